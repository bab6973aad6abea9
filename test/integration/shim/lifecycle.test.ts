// The monitor's life: kill before/after start gives 128+signal, it outlives the process that
// spawned it, ignores stray signals, sleeps in epoll without a timeout, and writes the exit file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxAvailable, busyboxRootfs } from '../../helpers/rootfs.js';
import { encodeLaunchPlan } from '../../../agent/runtime/plan-format.js';
import { waitFor } from '../../helpers/wait.js';
import { buildShim, dockerLikePlan, isRoot, pidAlive, readPid, Scratch, SHIM, shimCreate, startContainer,
  stdoutText, TestCgroup, waitExit } from './harness.js';

const skip = !isRoot() || !busyboxAvailable() ? 'needs root and busybox-static' : false;
let scratch: Scratch;
let cgroup: TestCgroup;

before(() => { if (skip) return; buildShim(); scratch = new Scratch(); cgroup = new TestCgroup(); });
after(async () => { await scratch?.cleanup(); await cgroup?.remove(); });

function plan(args: string[]) {
  return dockerLikePlan(busyboxRootfs(), scratch.stateDir(`l${Math.random().toString(36).slice(2)}`), args, [cgroup.procsFile]);
}

async function created(p: ReturnType<typeof plan>) {
  const { lines } = await shimCreate(p);
  assert.equal(lines.at(-1), 'created', lines.join(' | '));
  return { shim: readPid(p.stateDir, 'shim.pid')!, init: readPid(p.stateDir, 'init.pid')! };
}

function status(pid: number, field: string): string {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return line?.split('\t').at(-1)?.trim() ?? '';
}

test('exit codes: 0, a code, and 128+signal with the signal name', { skip }, async () => {
  const zero = plan(['true']);
  await created(zero);
  startContainer(zero.startFifo);
  assert.equal((await waitExit(zero)).exitCode, 0);

  const running = plan(['sh', '-c', 'echo up; exec sleep 1000']);
  const { init, shim } = await created(running);
  startContainer(running.startFifo);
  await waitFor('the container to print up', () => stdoutText(running) === 'up\n');
  process.kill(init, 'SIGKILL');
  assert.deepEqual({ ...(await waitExit(running)), finishedAt: '' }, { exitCode: 137, signal: 'SIGKILL', finishedAt: '', pid: init });
  await waitFor('the monitor to exit after writing the exit file', () => !pidAlive(shim));

  // Without a pid namespace the shell is not a namespace init and can die of its own signal.
  const selfKill = plan(['sh', '-c', 'kill -USR1 $$']);
  selfKill.namespaces = selfKill.namespaces.filter((n) => n.type !== 'pid');
  await created(selfKill);
  startContainer(selfKill.startFifo);
  const exit = await waitExit(selfKill);
  assert.deepEqual([exit.exitCode, exit.signal], [138, 'SIGUSR1']);
});

test('a created container killed before start still gets an exit file, and the fifo is removed', { skip }, async () => {
  const p = plan(['true']);
  const { init, shim } = await created(p);
  assert.equal(existsSync(p.startFifo), true);
  // Pid 1 of a pid namespace only gets the signals it handles (plus KILL/STOP) from outside.
  process.kill(init, 'SIGKILL');
  const exit = await waitExit(p);
  assert.equal(exit.exitCode, 137);
  assert.equal(exit.signal, 'SIGKILL');
  await waitFor('the monitor to exit', () => !pidAlive(shim));
  assert.equal(existsSync(p.startFifo), false);
  assert.equal(stdoutText(p), '', 'the command never ran');
});

test('the monitor outlives its spawner, ignores stray signals and sleeps without a timer', { skip }, async () => {
  const p = plan(['sh', '-c', 'echo started; exit 7']);
  const planFile = join(p.stateDir, '..', `${p.stateDir.split('/').at(-1)}.plan`);
  const statusFile = `${planFile}.status`;
  writeFileSync(planFile, encodeLaunchPlan(p));
  // The spawner: a shell that runs `create` and then lingers, so we can kill it like a crashed agent.
  const spawner = spawn('sh', ['-c', '"$0" create 3<"$1" 4>"$2"; exec sleep 1000', SHIM, planFile, statusFile],
    { stdio: 'ignore' });
  try {
    await waitFor('created', () => existsSync(statusFile) && readFileSync(statusFile, 'utf8').includes('created\n'));
    const shim = readPid(p.stateDir, 'shim.pid')!;
    const gone = new Promise((r) => spawner.once('exit', r));
    spawner.kill('SIGKILL');
    await gone;
    assert.ok(pidAlive(shim), 'the monitor survived its spawner');
    assert.notEqual(Number(status(shim, 'PPid')), spawner.pid);
    const sid = readFileSync(`/proc/${shim}/stat`, 'utf8').split(') ')[1].split(' ')[3];
    assert.equal(Number(sid), shim, 'the monitor leads its own session');
    // SigIgn has the bits of HUP(1) INT(2) PIPE(13) TERM(15): 0x5003.
    assert.equal(BigInt(`0x${status(shim, 'SigIgn')}`) & 0x5003n, 0x5003n);
    for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.kill(shim, sig);
    assert.ok(pidAlive(shim));
    // Idle: blocked in epoll_wait (x86-64 syscall 232) with timeout -1. Other arches: skip this check.
    if (process.arch === 'x64') {
      const sc = await waitFor('the monitor to block in epoll_wait',
        () => { const s = readFileSync(`/proc/${shim}/syscall`, 'utf8').trim().split(' '); return s[0] === '232' && s; });
      assert.equal(BigInt.asIntN(32, BigInt(sc[4])), -1n); // int timeout
    }
    startContainer(p.startFifo);
    const exit = await waitExit(p);
    assert.equal(exit.exitCode, 7);
    assert.equal(stdoutText(p), 'started\n');
  } finally {
    if (spawner.exitCode === null && spawner.signalCode === null) spawner.kill('SIGKILL');
  }
});
