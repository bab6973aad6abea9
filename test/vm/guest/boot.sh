#!/bin/sh
# The guest's first process after switch_root (see init.sh): a pure cgroup v2 host as systemd
# leaves it (cgroup2 at /sys/fs/cgroup, every controller enabled for the root's children), a
# writable /tmp, loopback and a dummy eth0 up; then the test files named in <out>/tests, their TAP
# output and exit status written to <out>/output and <out>/status, and power off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root BERTH_TEST=1 BERTH_TEST_AGENT_START_MS=180000
VM=/run/berth-vm
export BERTH_TEST_MAIN="$VM/project/dist/test-vm/main.mjs" # test/vm/bundle.ts, made before the boot
fail() { echo "berth-vm boot: $*"; echo "boot: $*" > "$VM/out/output"; busybox poweroff -f; }
mount -t proc proc /proc && mount -t sysfs sysfs /sys && mount -t devtmpfs devtmpfs /dev || fail "mount proc, sys, dev"
mkdir -p /dev/pts /dev/shm /dev/mqueue
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts && mount -t tmpfs tmpfs /dev/shm && mount -t mqueue mqueue /dev/mqueue || fail "mount /dev/pts, /dev/shm, /dev/mqueue"
mount -t cgroup2 cgroup2 /sys/fs/cgroup || fail "mount cgroup2"
echo "+$(sed 's/ / +/g' /sys/fs/cgroup/cgroup.controllers)" > /sys/fs/cgroup/cgroup.subtree_control || fail "enable the controllers"
mount -t tmpfs -o mode=1777 tmpfs /tmp && mount -t tmpfs tmpfs /var/tmp || fail "mount tmpfs on /tmp"
ip link set lo up || fail "ip link set lo up"
# Hosts have an interface besides lo, whose counters a --network host container shows; the VM has
# no NIC (nothing leaves it), so a dummy one stands in.
ip link add eth0 type dummy && ip link set eth0 up || fail "add a dummy eth0"
hostname berth-vm
cd "$VM/project" || fail "cd $VM/project"
# shellcheck disable=SC2046 # one test file per word
node --import tsx --test --test-concurrency=1 --test-reporter=tap $(cat "$VM/out/tests") > "$VM/out/output" 2>&1
echo $? > "$VM/out/status"
sync
busybox poweroff -f
