// Isolation of a default container, as seen from inside: namespaces, capabilities, no_new_privs,
// seccomp, masked and read-only paths. Real containers on the real kernel (root).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BerthError } from '../../../agent/errors.js';
import { PURE_V2 } from '../../helpers/cgroup-files.js';
import { eachLine, hostNs, sh, startHarness, type Harness } from './harness.js';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h?.cleanup(); });

const NS = ['pid', 'uts', 'ipc', 'net', 'mnt'] as const;

function field(status: string, name: string): string {
  const line = status.split('\n').find((l) => l.startsWith(`${name}:`));
  assert.ok(line, `no ${name} in /proc/self/status`);
  return line.slice(name.length + 1).trim();
}

test('a default container has its own pid, uts, ipc, net and mnt namespaces', async () => {
  const out = await sh(h.runtime, h.rootfs, NS.map((t) => `readlink /proc/self/ns/${t}`).join('; '));
  const inside = out.trim().split('\n');
  NS.forEach((t, i) => {
    assert.match(inside[i]!, new RegExp(`^${t}:\\[\\d+\\]$`));
    assert.notEqual(inside[i], hostNs(t), `${t} namespace is the host's`);
  });
});

test('ps inside sees only the container processes; the net namespace has only lo', async () => {
  const out = await sh(h.runtime, h.rootfs, 'ps -o pid,comm; echo ---; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "');
  const [ps, ifaces] = out.split('---\n');
  const pids = ps!.trim().split('\n').slice(1).map((l) => Number(l.trim().split(/\s+/)[0]));
  assert.ok(pids.includes(1), `pid 1 missing in ${ps}`);
  assert.ok(pids.length <= 3, `more processes than sh + ps: ${ps}`);
  assert.deepEqual(ifaces!.trim().split('\n'), ['lo']);
});

test('with host namespaces (--pid/--net/--ipc/--uts/--cgroupns host) the container shares them', async () => {
  const shared = ['pid', 'net', 'ipc', 'uts', 'cgroup'] as const;
  const out = await sh(h.runtime, h.rootfs, shared.map((t) => `readlink /proc/self/ns/${t}`).join('; '),
    { namespaces: { pid: 'host', net: 'host', ipc: 'host', uts: 'host', cgroup: 'host' } });
  assert.deepEqual(out.trim().split('\n'), shared.map((t) => hostNs(t)));
});

test('with the host network, /sys/fs/cgroup is read-only: on v2 the container\'s own cgroup (or the host\'s with its cgroup namespace), on v1 empty', async () => {
  const script = 'ls /sys/fs/cgroup | wc -l; mkdir /sys/fs/cgroup/x 2>&1; cat /sys/fs/cgroup/cgroup.procs 2>/dev/null | wc -l';
  const own = (await sh(h.runtime, h.rootfs, script, { namespaces: { net: 'host' } })).trim().split('\n');
  assert.match(own[1]!, /Read-only file system/);
  if (!PURE_V2) return assert.deepEqual([own[0], own[2]], ['0', '0'], 'an empty tmpfs');
  assert.ok(Number(own[0]) > 0, 'the cgroup\'s files');
  assert.ok(Number(own[2]) >= 1 && Number(own[2]) <= 3, `its own processes (sh, cat): ${own[2]}`);
  const host = (await sh(h.runtime, h.rootfs, `test -d /sys/fs/cgroup/${h.cgroups.parent} && echo sees-the-hierarchy`,
    { namespaces: { net: 'host', cgroup: 'host' } })).trim();
  assert.equal(host, 'sees-the-hierarchy');
});

test('root in a default container has Docker\'s 14 capabilities, NoNewPrivs 1 and a seccomp filter', async () => {
  const status = await sh(h.runtime, h.rootfs, 'cat /proc/self/status');
  assert.equal(field(status, 'CapEff'), '00000000a80425fb');
  assert.equal(field(status, 'CapPrm'), '00000000a80425fb');
  assert.equal(field(status, 'CapBnd'), '00000000a80425fb');
  assert.equal(field(status, 'CapInh'), '0000000000000000');
  assert.equal(field(status, 'CapAmb'), '0000000000000000');
  assert.equal(field(status, 'NoNewPrivs'), '1');
  assert.equal(field(status, 'Seccomp'), '2');
});

test('cap-add and cap-drop change the effective set', async () => {
  const status = await sh(h.runtime, h.rootfs, 'cat /proc/self/status',
    { capabilities: { add: ['NET_ADMIN'], drop: ['CHOWN', 'CAP_NET_RAW'] } });
  const expected = (0xa80425fbn | (1n << 12n)) & ~(1n << 0n) & ~(1n << 13n);
  assert.equal(field(status, 'CapEff'), expected.toString(16).padStart(16, '0'));
});

test('a non-root user has no effective capabilities', async () => {
  const status = await sh(h.runtime, h.rootfs, 'cat /proc/self/status; id -u', { user: '1000:1000' });
  assert.equal(field(status, 'CapEff'), '0000000000000000');
  assert.match(status, /\n1000\n$/);
});

test('masked /proc files read empty (kcore where the kernel has one); /proc/sys is read-only', async () => {
  // Kernels without CONFIG_PROC_KCORE (this host's) have no /proc/kcore: the masked files that exist are
  // checked. /proc/kcore reads as the size of the address space on the host: not read here.
  const masked = ['/proc/kcore', '/proc/keys', '/proc/timer_list', '/proc/interrupts'].filter((f) => existsSync(f));
  assert.ok(masked.length > 0);
  for (const f of masked) assert.ok(f === '/proc/kcore' || readFileSync(f).length > 0, `${f} is empty on the host too`);
  const out = await sh(h.runtime, h.rootfs,
    `for f in ${masked.join(' ')}; do echo "$f $(cat $f | wc -c)"; done; echo 1 > /proc/sys/kernel/ns_last_pid 2>/dev/null && echo writable || echo ro`);
  assert.deepEqual(out.trim().split('\n'), [...masked.map((f) => `${f} 0`), 'ro']);
});

test('a read-only rootfs rejects writes, /tmp in a writable rootfs accepts them', async () => {
  const ro = await sh(h.runtime, h.rootfs, 'touch /probe 2>&1 && echo wrote || echo refused', { readOnlyRootfs: true });
  assert.match(ro, /Read-only file system/);
  assert.match(ro, /refused/);
  const rw = await sh(h.runtime, h.rootfs, 'touch /tmp/probe-$$ && echo wrote && rm /tmp/probe-$$');
  assert.equal(rw.trim(), 'wrote');
});

test('the hostname defaults to the short id; a given hostname is used', async () => {
  const r = await h.runtime.create({ rootfs: h.rootfs, cmd: ['hostname'] });
  try {
    await h.runtime.start(r.id);
    await h.runtime.wait(r.id);
    const lines = [];
    for await (const l of eachLine(h.runtime.logs(r.id, {}))) lines.push(l.line);
    assert.deepEqual(lines, [r.id.slice(0, 12)]);
  } finally {
    await h.runtime.remove(r.id, true);
  }
  assert.equal((await sh(h.runtime, h.rootfs, 'hostname', { hostname: 'probe-host' })).trim(), 'probe-host');
});

test('a domainname is the NIS domain name of the container\'s UTS namespace, not the host\'s', async () => {
  const host = readFileSync('/proc/sys/kernel/domainname', 'utf8');
  assert.equal(await sh(h.runtime, h.rootfs, 'cat /proc/sys/kernel/domainname', { domainname: 'corp.example' }), 'corp.example\n');
  assert.equal(await sh(h.runtime, h.rootfs, 'cat /proc/sys/kernel/domainname'), '(none)\n', 'a new UTS namespace starts without one');
  assert.equal(readFileSync('/proc/sys/kernel/domainname', 'utf8'), host);
  await assert.rejects(h.runtime.create({ rootfs: h.rootfs, cmd: ['true'], domainname: 'corp.example', namespaces: { uts: 'host' } }),
    /domainname: cannot be set with namespaces.uts "host"/);
});

test('sysctls of the container\'s namespaces are set inside it and nowhere else', async () => {
  const keys = ['net/ipv4/ip_unprivileged_port_start', 'kernel/shm_rmid_forced', 'kernel/domainname'];
  const hostBefore = keys.map((k) => readFileSync(`/proc/sys/${k}`, 'utf8'));
  const out = await sh(h.runtime, h.rootfs, keys.map((k) => `cat /proc/sys/${k}`).join('; '), {
    sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0', 'kernel.shm_rmid_forced': '1', 'kernel.domainname': 'berth.test' },
  });
  assert.deepEqual(out.trim().split('\n'), ['0', '1', 'berth.test']);
  assert.deepEqual(keys.map((k) => readFileSync(`/proc/sys/${k}`, 'utf8')), hostBefore);
});

test('a sysctl the container\'s namespace does not have fails the launch by name and leaves nothing behind', async () => {
  // net.core.rmem_max is the initial network namespace's only: a new one cannot write it.
  const before = readdirSync(join(h.stateDir, 'containers'));
  const cgroupsBefore = await h.cgroups.list();
  await assert.rejects(h.runtime.create({ rootfs: h.rootfs, cmd: ['true'], sysctls: { 'net.core.rmem_max': '1048576' } }), (e: BerthError) => {
    assert.match(e.message, /step sysctl: open \/proc\/sys\/net\/core\/rmem_max: (Permission denied|No such file)/);
    return true;
  });
  assert.deepEqual(readdirSync(join(h.stateDir, 'containers')), before);
  assert.deepEqual(await h.cgroups.list(), cgroupsBefore);
});

test('--privileged: every capability, no seccomp, host devices usable, /proc unmasked, /sys writable', async () => {
  const script = [
    'grep -E "^(CapEff|Seccomp):" /proc/self/status | tr -d "\\t"',
    'awk \'$5 == "/sys" { print "sys " substr($6, 1, 2) } $5 == "/proc/kcore" { print "kcore masked" }\' /proc/self/mountinfo',
    ': < /dev/loop-control && echo loop-control opened',
    'test -L /dev/ptmx && echo ptmx is a link',
  ].join('; ');
  // Every capability the runtime (this process) holds: all the kernel has, unless it runs restricted itself.
  const all = /^CapBnd:\s*(\w+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1];
  const out = await sh(h.runtime, h.rootfs, script, { privileged: true });
  assert.deepEqual(out.trim().split('\n'), [`CapEff:${all}`, 'Seccomp:0', 'sys rw', 'loop-control opened', 'ptmx is a link']);

  const plain = await sh(h.runtime, h.rootfs, 'test -e /dev/loop-control || echo no loop-control; awk \'$5 == "/sys" { print substr($6, 1, 2) }\' /proc/self/mountinfo');
  assert.deepEqual(plain.trim().split('\n'), ['no loop-control', 'ro']);
});

test('--device gives a node the device cgroup lets the container open, with the permissions asked; without it there is none', async () => {
  // /dev/fuse is the one node docker's default rules deny explicitly: the allow must come after that deny.
  const script = ': < /dev/fuse && echo fuse opened; (: < /dev/lc) 2>/dev/null && echo lc readable || echo lc not readable; (: > /dev/lc) && echo lc writable; ls -l /dev/lc | cut -c1';
  const out = await sh(h.runtime, h.rootfs, script, { devices: [{ hostPath: '/dev/fuse' }, { hostPath: '/dev/loop-control', containerPath: '/dev/lc', permissions: 'w' }] });
  assert.deepEqual(out.trim().split('\n'), ['fuse opened', 'lc not readable', 'lc writable', 'c']);
  const plain = await sh(h.runtime, h.rootfs, 'test -e /dev/fuse || echo no fuse');
  assert.equal(plain.trim(), 'no fuse');
});

test('--device-cgroup-rule lets the container use devices it makes itself (mknod), with the access given; without a rule the device cgroup refuses them', async () => {
  // /dev/loop-control (10:237) is not among docker's default devices.
  const script = 'o() { if out=$( (eval "$1") 2>&1 ); then echo ok; else echo "${out##*: }"; fi; }; '
    + 'mknod /dev/lc c 10 237 && o ": < /dev/lc" && o ": > /dev/lc"';
  const lines = async (rules?: string[]) => (await sh(h.runtime, h.rootfs, script, rules ? { deviceCgroupRules: rules } : {})).trim().split('\n');
  assert.deepEqual(await lines(['c 10:237 r']), ['ok', 'Operation not permitted']);
  assert.deepEqual(await lines(['b 7:* rwm', 'c 10:* rw']), ['ok', 'ok']);
  assert.deepEqual(await lines(), ['Operation not permitted', 'Operation not permitted']);
});

test('--shm-size, --oom-score-adj and --group-add as the container sees them', async () => {
  const script = 'df -k /dev/shm | tail -1 | awk \'{ print $2 }\'; cat /proc/self/oom_score_adj; id -G';
  const out = await sh(h.runtime, h.rootfs, script, { shmSizeBytes: 16 * 2 ** 20, oomScoreAdj: 500, groupAdd: ['4242', '12'] });
  assert.deepEqual(out.trim().split('\n'), ['16384', '500', '0 12 4242']);
  const byDefault = await sh(h.runtime, h.rootfs, script);
  assert.deepEqual(byDefault.trim().split('\n'), ['65536', '0', '0']);
});
