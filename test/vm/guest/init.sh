#!/bin/sh
# /init of the test VM's initramfs (test/vm/initramfs.ts): loads the virtio and 9p modules, mounts
# the host's root filesystem read-only as the guest's root, the project and a writable output
# directory under /run/berth-vm, and hands over to the project's boot.sh. A failure prints its
# reason on the console (which the host test reports) and powers off.
export PATH=/bin
fail() { echo "berth-vm init: $*"; poweroff -f; }
mount -t proc proc /proc && mount -t sysfs sysfs /sys && mount -t devtmpfs devtmpfs /dev || fail "mount proc, sys, dev"
for m in $(cat /modules/order); do insmod "/modules/$m.ko" || fail "insmod $m"; done
share() { mount -t 9p -o "trans=virtio,version=9p2000.L,msize=262144,$3" "$1" "$2" || fail "mount 9p share $1 on $2"; }
share host /newroot ro
# /run: a tmpfs of the guest's own, so mount points can be made for the other shares.
mount -t tmpfs -o mode=755 tmpfs /newroot/run || fail "mount tmpfs on /run"
mkdir -p /newroot/run/berth-vm/project /newroot/run/berth-vm/out
share project /newroot/run/berth-vm/project ro
share out /newroot/run/berth-vm/out rw
umount /proc /sys /dev
exec switch_root /newroot /bin/sh /run/berth-vm/project/test/vm/guest/boot.sh
