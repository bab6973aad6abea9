// berth-shim create + start with a Docker-like plan: the container sees its own namespaces,
// Docker's capabilities, no_new_privs, masked and read-only paths, and is placed in our cgroup.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxAvailable, busyboxRootfs } from '../../helpers/rootfs.js';
import { buildShim, dockerLikePlan, isRoot, nsLink, privateRootfs, readPid, Scratch, shimCreate, startContainer, stdoutText,
  OWN_CGROUP_SH, readLog, TestCgroup, waitExit } from './harness.js';

const skip = !isRoot() || !busyboxAvailable() ? 'needs root and busybox-static' : false;
let scratch: Scratch;
let cgroup: TestCgroup;

before(() => { if (skip) return; buildShim(); scratch = new Scratch(); cgroup = new TestCgroup(); });
after(async () => { await scratch?.cleanup(); await cgroup?.remove(); });

/** Runs a shell script as the container's command, to its exit; returns stdout lines as key=value. */
async function probe(script: string, tweak: (p: ReturnType<typeof dockerLikePlan>) => void = () => {}, rootfs = busyboxRootfs()) {
  const plan = dockerLikePlan(rootfs, scratch.stateDir(`c${Math.random().toString(36).slice(2)}`),
    ['sh', '-c', script], [cgroup.procsFile]);
  tweak(plan);
  const created = await shimCreate(plan);
  assert.equal(created.lines.at(-1), 'created', `create failed: ${created.lines.join(' | ')}`);
  assert.equal(created.code, 0);
  const init = readPid(plan.stateDir, 'init.pid')!;
  const hostView = { net: nsLink(init, 'net'), pidInCgroup: cgroup.pids().includes(init) };
  startContainer(plan.startFifo);
  const exit = await waitExit(plan);
  const values = Object.fromEntries(stdoutText(plan).split('\n').filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { plan, exit, values, init, hostView, created };
}

test('a Docker-like container is isolated and reports through the CRI log and the exit file', { skip }, async () => {
  const script = [
    'echo hostname=$(hostname)', 'echo pid=$$',
    'echo capeff=$(grep CapEff /proc/self/status | cut -f2)', 'echo capbnd=$(grep CapBnd /proc/self/status | cut -f2)',
    'echo capinh=$(grep CapInh /proc/self/status | cut -f2)', 'echo capamb=$(grep CapAmb /proc/self/status | cut -f2)',
    'echo nnp=$(grep NoNewPrivs /proc/self/status | cut -f2)',
    'echo ifaces=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | tr "\\n" ,)',
    'echo lo=$(cat /sys/class/net/lo/operstate)',
    'echo interrupts=$(wc -c < /proc/interrupts)', 'echo keys=$(wc -c < /proc/keys)',
    'echo kcore=$(wc -c < /proc/kcore 2>/dev/null || echo absent)',
    'echo firmware=$(ls -A /sys/firmware | wc -l)',
    'echo procsys=$(echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo writable || echo readonly)',
    'echo sysro=$(touch /sys/x 2>/dev/null && echo writable || echo readonly)',
    'echo devnull=$(stat -c %t:%T /dev/null)', 'echo ptmx=$(readlink /dev/ptmx)',
    'echo procs=$(cd /proc && echo [0-9]*)', 'echo stdin=$(readlink /proc/self/fd/0)',
    'echo fds=$(ls /proc/self/fd | wc -l)', 'echo netns=$(readlink /proc/self/ns/net)',
    'echo oops >&2', 'exit 3',
  ].join('; ');
  const { exit, values, init, hostView, plan } = await probe(script);
  assert.equal(values.hostname, 'berth-shim-test');
  assert.equal(values.pid, '1');
  assert.equal(values.capeff, '00000000a80425fb');
  assert.equal(values.capbnd, '00000000a80425fb');
  assert.equal(values.capinh, '0000000000000000');
  assert.equal(values.capamb, '0000000000000000');
  assert.equal(values.nnp, '1');
  assert.equal(values.ifaces, 'lo,');
  assert.match(values.lo, /^(unknown|up)$/);
  assert.equal(values.interrupts, '0');
  assert.equal(values.keys, '0');
  assert.equal(values.kcore, existsSync('/proc/kcore') ? '0' : 'absent');
  assert.equal(values.firmware, '0');
  assert.equal(values.procsys, 'readonly');
  assert.equal(values.sysro, 'readonly');
  assert.equal(values.devnull, '1:3');
  assert.equal(values.ptmx, 'pts/ptmx');
  // Only the container's processes: sh as pid 1 and the subshell of the $(...).
  assert.equal(values.procs.split(' ')[0], '1');
  assert.ok(values.procs.split(' ').length <= 2, values.procs);
  assert.equal(values.stdin, '/dev/null');
  assert.equal(values.netns, hostView.net);
  assert.notEqual(hostView.net, nsLink('self', 'net'));
  assert.ok(hostView.pidInCgroup, 'init was in the test cgroup before it was started');
  assert.deepEqual(exit, { exitCode: 3, signal: null, finishedAt: exit.finishedAt, pid: init });
  assert.ok(Math.abs(Date.parse(exit.finishedAt) - Date.now()) < 60_000, `finishedAt ${exit.finishedAt}`);
  const err = readLog(plan).filter((l) => l.stream === 'stderr');
  // (sh also reports the failed redirections of the probes on stderr)
  assert.deepEqual([err.at(-1)?.tag, err.at(-1)?.text], ['F', 'oops']);
  assert.match(err[0].time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  // The fifo is gone after start and the monitor is gone after the exit.
  assert.equal(existsSync(plan.startFifo), false);
});

test('a private cgroup namespace is rooted at the container cgroup', { skip }, async () => {
  const { values, hostView } = await probe(`echo pids=${OWN_CGROUP_SH}`,
    (p) => p.namespaces.push({ type: 'cgroup', path: '' }));
  assert.ok(hostView.pidInCgroup);
  assert.equal(values.pids, '/');
});

test('user, groups, rlimits, oom_score_adj, cwd, env and a read-only rootfs are applied', { skip }, async () => {
  const script = 'echo id=$(id -u):$(id -g):$(id -G | tr " " ,); echo nofile=$(ulimit -n); echo cwd=$(pwd); ' +
    'echo oom=$(cat /proc/self/oom_score_adj); echo capeff=$(grep CapEff /proc/self/status | cut -f2); echo foo=$FOO; ' +
    'echo rofs=$(touch /bin/x 2>/dev/null && echo writable || echo readonly); echo shm=$(touch /dev/shm/x && echo writable)';
  const { values, exit } = await probe(script, (p) => {
    p.uid = 1000; p.gid = 1000; p.additionalGids = [10, 20];
    p.capabilities = { bounding: p.capabilities.bounding, effective: 0n, permitted: 0n };
    p.rlimits = [{ resource: 7, soft: 321, hard: 654 }];
    p.oomScoreAdj = 500; p.cwd = '/tmp'; p.env.push('FOO=bar baz'); p.readOnlyRootfs = true;
  });
  assert.equal(exit.exitCode, 0);
  assert.equal(values.id, '1000:1000:1000,10,20');
  assert.equal(values.nofile, '321');
  assert.equal(values.cwd, '/tmp');
  assert.equal(values.oom, '500');
  assert.equal(values.capeff, '0000000000000000');
  assert.equal(values.foo, 'bar baz');
  assert.equal(values.rofs, 'readonly');
  assert.equal(values.shm, 'writable');
});

test('a missing cwd is made inside the rootfs, as runc makes it, even through a symlink and on a read-only rootfs', { skip }, async () => {
  const rootfs = privateRootfs(scratch, 'cwd', busyboxRootfs());
  const hostDir = scratch.stateDir('cwd-escape'); // a host path the symlink names: it must stay untouched
  symlinkSync(`/../../../..${hostDir}`, join(rootfs, 'esc'));
  const { exit, values } = await probe('echo cwd=$(pwd -P); echo made=$(stat -c %a:%u:%g .)', (p) => {
    p.cwd = '/esc/made/here'; p.readOnlyRootfs = true; p.uid = 1000; p.gid = 1000;
    p.capabilities = { bounding: p.capabilities.bounding, effective: 0n, permitted: 0n };
  }, rootfs);
  assert.equal(exit.exitCode, 0);
  assert.equal(values.cwd, `${hostDir}/made/here`);
  assert.equal(values.made, '755:0:0');
  assert.ok(existsSync(join(rootfs, hostDir, 'made/here')), 'made in the rootfs');
  assert.equal(existsSync(join(hostDir, 'made')), false, 'nothing made on the host');
});

test('a new user namespace maps root and still gets /proc, /dev nodes and devpts', { skip }, async () => {
  const script = 'echo uid=$(id -u); echo map=$(cat /proc/self/uid_map | tr -s " " | sed "s/^ //"); ' +
    'echo null=$(echo x > /dev/null && echo ok); echo procs=$(cd /proc && echo [0-9]*); echo pts=$(ls -d /dev/pts)';
  // The mapped root (host uid 200000) must be able to reach the rootfs: a copy under a 0711 dir.
  chmodSync(scratch.dir, 0o711);
  const rootfs = privateRootfs(scratch, 'userns', busyboxRootfs());
  const { values, exit, init } = await probe(script, (p) => {
    p.namespaces.push({ type: 'user', path: '' });
    p.uidMappings = [{ containerId: 0, hostId: 200000, size: 65536 }];
    p.gidMappings = [{ containerId: 0, hostId: 200000, size: 65536 }];
  }, rootfs);
  assert.equal(exit.exitCode, 0, JSON.stringify(values));
  assert.equal(values.uid, '0');
  assert.equal(values.map, '0 200000 65536');
  assert.equal(values.null, 'ok');
  assert.equal(values.procs.split(' ')[0], '1');
  assert.equal(values.pts, '/dev/pts');
  assert.ok(init > 0);
});

test('stdout lines longer than 16 KiB are split into P records, a missing final newline is P', { skip }, async () => {
  const { plan, exit } = await probe('head -c 40000 /dev/zero | tr "\\0" a; echo; printf tail');
  assert.equal(exit.exitCode, 0);
  const out = readLog(plan).filter((l) => l.stream === 'stdout');
  assert.deepEqual(out.map((l) => l.tag), ['P', 'P', 'F', 'P']);
  assert.equal(out.slice(0, 3).map((l) => l.text).join(''), 'a'.repeat(40000));
  assert.equal(out[0].text.length, 16384);
  assert.equal(out[3].text, 'tail');
  assert.equal(readFileSync(plan.logPath, 'utf8').endsWith('tail\n'), true);
});

/** struct sock_filter[]: mkdir (83) and mkdirat (258) → EPERM, everything else allowed (x86-64). */
function denyMkdirProgram(): Uint8Array {
  const insn = (code: number, jt: number, jf: number, k: number) => {
    const b = Buffer.alloc(8);
    b.writeUInt16LE(code, 0); b.writeUInt8(jt, 2); b.writeUInt8(jf, 3); b.writeUInt32LE(k >>> 0, 4);
    return b;
  };
  return new Uint8Array(Buffer.concat([
    insn(0x20, 0, 0, 0),            // ld [nr]
    insn(0x15, 2, 0, 83),           // jeq mkdir → deny
    insn(0x15, 1, 0, 258),          // jeq mkdirat → deny
    insn(0x06, 0, 0, 0x7fff0000),   // ret ALLOW
    insn(0x06, 0, 0, 0x00050001),   // ret ERRNO(EPERM)
  ]));
}

for (const nnp of [true, false]) {
  test(`the seccomp program is loaded (no_new_privs ${nnp ? 'on' : 'off'})`, { skip: skip || (process.arch !== 'x64' && 'x86-64 syscall numbers') }, async () => {
    const script = 'echo seccomp=$(grep "^Seccomp:" /proc/self/status | cut -f2); echo nnp=$(grep NoNewPrivs /proc/self/status | cut -f2); ' +
      'echo mkdir=$(mkdir /tmp/seccomp-probe 2>&1 && echo allowed || echo denied); echo touch=$(touch /tmp/f && echo allowed)';
    const { values, exit } = await probe(script, (p) => { p.seccomp = denyMkdirProgram(); p.noNewPrivileges = nnp; });
    assert.equal(exit.exitCode, 0);
    assert.equal(values.seccomp, '2');
    assert.equal(values.nnp, nnp ? '1' : '0');
    assert.equal(values.mkdir, "mkdir: can't create directory '/tmp/seccomp-probe': Operation not permitted denied");
    assert.equal(values.touch, 'allowed');
  });
}
