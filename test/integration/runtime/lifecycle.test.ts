// The lifecycle verbs on real containers: exit codes, stop/kill/pause, logs, exec, update,
// failures that leave nothing, lookups.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { eachLine, run, startHarness, type Harness } from './harness.js';
import type { LogLine } from '../../../agent/runtime/types.js';
import { cgroupFile } from '../../helpers/cgroup-files.js';
import { waitFor } from '../../helpers/wait.js';
import { BerthError } from '../../../agent/errors.js';
import type { ContainerSpec } from '../../../agent/runtime/types.js';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h?.cleanup(); });

/** Creates and starts; removal is registered on the test. */
async function started(t: { after: (fn: () => Promise<void>) => void }, spec: Partial<ContainerSpec>) {
  const info = await h.runtime.create({ rootfs: h.rootfs, cmd: ['sleep', '300'], ...spec });
  t.after(async () => { await h.runtime.remove(info.id, true).catch(() => undefined); });
  return h.runtime.start(info.id);
}

function collect(batches: AsyncIterable<LogLine[]>) {
  return (async () => { const out: string[] = []; for await (const l of eachLine(batches)) out.push(`${l.stream}:${l.line}`); return out; })();
}

test('exit codes: 0, 3, and 128+signal', async () => {
  assert.equal((await run(h.runtime, { rootfs: h.rootfs, cmd: ['true'] })).exit.exitCode, 0);
  const three = await run(h.runtime, { rootfs: h.rootfs, cmd: ['sh', '-c', 'exit 3'] });
  assert.equal(three.exit.exitCode, 3);
  assert.equal(three.exit.signal, undefined);
  assert.equal(three.exit.oomKilled, false);
  const self = await run(h.runtime, { rootfs: h.rootfs, cmd: ['sh', '-c', 'kill -USR1 $$'], namespaces: { pid: 'host' } });
  assert.equal(self.exit.exitCode, 128 + 10);
  assert.equal(self.exit.signal, 'SIGUSR1');
});

test('stdout and stderr are both kept in the log, in order, with tail and stream filters', async () => {
  const r = await run(h.runtime, { rootfs: h.rootfs, cmd: ['sh', '-c', 'echo out1; echo err1 >&2; echo out2; printf tail-no-newline'] },
    { keep: true });
  try {
    assert.equal(r.stdout, 'out1\nout2\ntail-no-newline\n');
    assert.equal(r.stderr, 'err1\n');
    assert.deepEqual(await collect(h.runtime.logs(r.id, { tail: 2, stderr: false })), ['stdout:out2', 'stdout:tail-no-newline']);
    assert.deepEqual(await collect(h.runtime.logs(r.id, { stdout: false })), ['stderr:err1']);
    assert.deepEqual(await collect(h.runtime.logs(r.id, { since: new Date(Date.now() + 60_000).toISOString() })), []);
    assert.throws(() => h.runtime.logs(r.id, { since: 'not a time' }), /since: expected/);
  } finally {
    await h.runtime.remove(r.id);
  }
});

test('logs follow streams new lines and ends when the container exits', async (t) => {
  const info = await started(t, { cmd: ['sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.2; done'] });
  const lines = await collect(h.runtime.logs(info.id, { follow: true }));
  assert.deepEqual(lines, ['stdout:line1', 'stdout:line2', 'stdout:line3']);
  assert.equal(h.runtime.get(info.id).status, 'exited');
});

test('a follow whose reader left ends at once, also of a quiet container (logs and attach output)', async (t) => {
  const info = await started(t, { cmd: ['sh', '-c', 'echo once; exec sleep 300'] });
  await waitFor('its line', async () => (await collect(h.runtime.logs(info.id, {}))).length === 1);
  const left = new AbortController();
  const got: string[] = [];
  let ended = 0;
  void (async () => { for await (const l of eachLine(h.runtime.logs(info.id, { follow: true, signal: left.signal }))) got.push(`logs:${l.line}`); ended++; })();
  const output = await h.runtime.output(info.id, { fromStart: true, signal: left.signal });
  void (async () => { for await (const c of output) got.push(`output:${c.data.toString()}`); ended++; })();
  // Both have read what there is, so both now wait for more, which will not come.
  await waitFor('both to have read the line', () => got.length === 2);
  left.abort();
  await waitFor('both follows to end', () => ended === 2, { timeoutMs: 2000 });
  assert.deepEqual(got.sort(), ['logs:once', 'output:once\n']);
  assert.equal(h.runtime.get(info.id).status, 'running', 'the container goes on');
});

test('stop: SIGTERM ends a process without a handler outside a pid namespace (143)', async (t) => {
  const info = await started(t, { namespaces: { pid: 'host' } });
  const t0 = Date.now();
  const stopped = await h.runtime.stop(info.id, { timeoutSeconds: 10 });
  assert.ok(Date.now() - t0 < 5000, 'stop waited for the grace period');
  assert.equal(stopped.status, 'exited');
  assert.equal(stopped.exit?.exitCode, 143);
  assert.equal(stopped.exit?.signal, 'SIGTERM');
  assert.deepEqual(stopped.exit?.reason, { by: 'user' });
});

test('stop: a namespace init ignores SIGTERM without a handler, so SIGKILL follows the grace period (137)', async (t) => {
  const info = await started(t, {});
  const t0 = Date.now();
  const stopped = await h.runtime.stop(info.id, { timeoutSeconds: 1 });
  assert.ok(Date.now() - t0 >= 900, 'stop did not wait for the grace period');
  assert.equal(stopped.exit?.exitCode, 137);
  const trapped = await started(t, { cmd: ['sh', '-c', 'trap "exit 7" TERM; echo trapped; while true; do sleep 0.1; done'] });
  // A TERM that lands before the shell has set its trap is ignored (pid 1) and the stop ends in 137.
  await waitFor('the shell to set its TERM trap', async () => (await collect(h.runtime.logs(trapped.id, {}))).includes('stdout:trapped'));
  assert.equal((await h.runtime.stop(trapped.id, { timeoutSeconds: 10 })).exit?.exitCode, 7);
});

test('--init: PID 1 is /dev/init, which passes the stop signal on, so SIGTERM ends the command at once (143, not 137)', async (t) => {
  const info = await started(t, { init: true, cmd: ['sleep', '1000'] });
  const exec = await h.runtime.exec(info.id, { cmd: ['cat', '/proc/1/cmdline'] });
  let cmdline = '';
  exec.stdout.on('data', (d: Buffer) => { cmdline += d.toString(); });
  await exec.exited;
  assert.equal(cmdline.split('\0').join(' ').trim(), '/dev/init -- sleep 1000');
  const t0 = Date.now();
  const stopped = await h.runtime.stop(info.id, { timeoutSeconds: 10 });
  assert.ok(Date.now() - t0 < 5000, 'stop waited for the grace period: the signal was not passed on');
  assert.equal(stopped.exit?.exitCode, 143);
  const failing = await started(t, { init: true, cmd: ['sh', '-c', 'exit 3'] });
  assert.equal((await h.runtime.wait(failing.id)).exitCode, 3, 'the command\'s exit code is the container\'s');
});

test('kill: SIGKILL gives 137 and records the reason; kill of an exited container is refused', async (t) => {
  const info = await started(t, {});
  await assert.rejects(h.runtime.kill(info.id, 'SIGNOPE'), /unknown signal/);
  await h.runtime.kill(info.id, 'KILL', { by: 'policy', policy: 'p', rule: 'r', message: 'too hungry' });
  const exit = await h.runtime.wait(info.id);
  assert.equal(exit.exitCode, 137);
  assert.equal(exit.signal, 'SIGKILL');
  assert.equal(exit.oomKilled, false);
  assert.deepEqual(exit.reason, { by: 'policy', policy: 'p', rule: 'r', message: 'too hungry' });
  // state.json follows the in-memory state asynchronously (the exit file is the durable fact).
  const stateFile = join(h.runtime.get(info.id).stateDir, 'state.json');
  const persisted = await waitFor('state.json to record the exit', () => JSON.parse(readFileSync(stateFile, 'utf8')).exit);
  assert.deepEqual(persisted.reason, exit.reason);
  await assert.rejects(h.runtime.kill(info.id), (e: BerthError) => e.code === 'INVALID_STATE');
});

test('pause freezes the container (its counter stops), resume thaws it', async (t) => {
  const info = await started(t, { cmd: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; done'] });
  const count = async () => {
    const p = await h.runtime.exec(info.id, { cmd: ['cat', '/tmp/count'] });
    let out = '';
    p.stdout.on('data', (d) => { out += d; });
    await p.exited;
    return Number(out.trim());
  };
  await waitFor('the counter to run', async () => (await count()) > 0);
  await h.runtime.pause(info.id);
  assert.equal(h.runtime.get(info.id).status, 'paused');
  await assert.rejects(h.runtime.exec(info.id, { cmd: ['true'] }), (e: BerthError) => e.code === 'INVALID_STATE');
  await h.runtime.resume(info.id);
  const a = await count();
  await h.runtime.pause(info.id);
  const b = await statValue(info.pid);
  await delay(300); // a measurement window, not synchronisation: the CPU time must not move during it
  assert.equal(await statValue(info.pid), b, 'a paused container used CPU');
  await h.runtime.resume(info.id);
  await waitFor('the counter to move again', async () => (await count()) > a);
  assert.ok(h.events.some((e) => e.kind === 'container.paused' && e.containerId === info.id));
});

/** utime+stime of a process in clock ticks. */
async function statValue(pid: number): Promise<number> {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

test('exec runs in the container with its exit code; a missing command gives 127 and says why', async (t) => {
  const info = await started(t, { hostname: 'exec-probe' });
  const p = await h.runtime.exec(info.id, { cmd: ['sh', '-c', 'hostname; echo oops >&2; exit 5'], env: ['A=1'] });
  let out = ''; let err = '';
  p.stdout.on('data', (d) => { out += d; });
  p.stderr.on('data', (d) => { err += d; });
  assert.deepEqual(await p.exited, { exitCode: 5 });
  assert.equal(out, 'exec-probe\n');
  assert.equal(err, 'oops\n');
  const missing = await h.runtime.exec(info.id, { cmd: ['/no/such/binary'] });
  let missingErr = '';
  missing.stderr.on('data', (d) => { missingErr += d; });
  missing.stdout.resume();
  assert.equal((await missing.exited).exitCode, 127);
  await waitFor('the error on stderr', () => missingErr.includes('/no/such/binary'));
});

test('update changes a live limit (the throttle action)', async (t) => {
  const info = await started(t, { resources: { cpus: 1 } });
  const updated = await h.runtime.update(info.id, { cpus: 0.25 }, 'policy');
  assert.equal(updated.spec.resources.cpus, 0.25);
  assert.equal(cgroupFile(info.cgroup, 'cpu.cfs_quota_us'), '25000');
  await assert.rejects(h.runtime.update(info.id, { memoryBytes: 5 }), (e: BerthError) => e.code === 'INVALID_SPEC' && /memoryBytes/.test(e.message));
  await h.runtime.update(info.id, { memoryBytes: 64 << 20, memorySwapBytes: 128 << 20 });
  await assert.rejects(h.runtime.update(info.id, { memoryBytes: 256 << 20 }),
    (e: BerthError) => e.code === 'INVALID_SPEC' && /memorySwapBytes: .*the memory \+ swap limit was set earlier/.test(e.message));
  await h.runtime.update(info.id, { memoryBytes: 256 << 20, memorySwapBytes: -1 });
  assert.equal(cgroupFile(info.cgroup, 'memory.limit_in_bytes'), String(256 << 20));
  assert.ok(h.events.some((e) => e.kind === 'container.updated' && e.containerId === info.id));
});

test('update records what it writes before the first cgroup write (for recovery after a crash) and drops it after, also when the write fails', async (t) => {
  const info = await started(t, { resources: { cpus: 1 } });
  const recorded = () => JSON.parse(readFileSync(join(info.stateDir, 'state.json'), 'utf8')).updating;
  const update = h.cgroups.update;
  t.after(() => { h.cgroups.update = update; });
  const seen: unknown[] = [];
  let fail = false;
  h.cgroups.update = async (name, resources) => {
    seen.push(recorded());
    if (fail) throw new BerthError('CGROUP_FAILED', `write ${name}: EIO`);
    return update.call(h.cgroups, name, resources);
  };
  await h.runtime.update(info.id, { cpus: 0.5 });
  assert.equal(seen.length, 1);
  assert.deepEqual(seen[0], { resources: h.runtime.get(info.id).spec.resources, cgroup: { cpuQuotaUs: 50000, cpuPeriodUs: 100000 } });
  assert.equal(recorded(), undefined);
  fail = true;
  await assert.rejects(h.runtime.update(info.id, { pidsLimit: 9 }), /EIO/);
  assert.deepEqual([seen.length, recorded(), h.runtime.get(info.id).spec.resources.pidsLimit], [2, undefined, 0]);
});

test('start runs an exited container again: same cgroup and limits, log appended, fresh exit; restart stops then starts', async (t) => {
  const info = await started(t, { cmd: ['sh', '-c', 'echo run $$; sleep 300; exit 7'], resources: { memoryBytes: 64 << 20 } });
  const firstPid = info.pid;
  await h.runtime.stop(info.id, { timeoutSeconds: 1 });
  const first = h.runtime.get(info.id);
  assert.equal(first.exit?.exitCode, 137);
  const again = await h.runtime.start(info.id);
  assert.equal(again.status, 'running');
  assert.equal(again.exit, undefined, 'the last exit belongs to the last run');
  assert.notEqual(again.pid, firstPid);
  assert.equal(again.cgroup, first.cgroup);
  assert.equal(cgroupFile(again.cgroup, 'memory.limit_in_bytes'), String(64 << 20));
  await waitFor('the second run\'s line', async () => (await collect(h.runtime.logs(info.id, {}))).length === 2);
  assert.deepEqual((await collect(h.runtime.logs(info.id, {}))).map((l) => l.replace(/\d+$/, 'N')), ['stdout:run N', 'stdout:run N']);
  const restarted = await h.runtime.restart(info.id, { timeoutSeconds: 1 });
  assert.equal(restarted.status, 'running');
  assert.notEqual(restarted.pid, again.pid);
  assert.ok(h.events.filter((e) => e.kind === 'container.started' && e.containerId === info.id).length >= 3);
  await h.runtime.kill(info.id, 'SIGKILL');
  assert.equal((await h.runtime.wait(info.id)).exitCode, 137);
  assert.equal((await h.runtime.wait(info.id)).oomKilled, false);
  // --rm containers are gone once they exit; one still listed is not run again.
  const once = await h.runtime.create({ rootfs: h.rootfs, cmd: ['sleep', '300'], autoRemove: true });
  t.after(async () => { await h.runtime.remove(once.id, true).catch(() => undefined); });
  await assert.rejects(h.runtime.start(once.id).then(() => h.runtime.stop(once.id, { timeoutSeconds: 0 })).then(() => h.runtime.start(once.id)),
    (e: BerthError) => e.code === 'INVALID_STATE' || e.code === 'NOT_FOUND');
});

test('update of an exited container: its kept cgroup takes the limits at once and its next run has them; without a cgroup (a host restart) the next start makes one with them', async (t) => {
  const info = await started(t, { cmd: ['sh', '-c', 'exit 3'], resources: { memoryBytes: 64 << 20 } });
  assert.equal((await h.runtime.wait(info.id)).exitCode, 3);
  const updated = await h.runtime.update(info.id, { memoryBytes: 32 << 20, pidsLimit: 20 });
  assert.deepEqual([updated.status, updated.spec.resources.memoryBytes], ['exited', 32 << 20]);
  assert.equal(cgroupFile(info.cgroup, 'memory.limit_in_bytes'), String(32 << 20));
  assert.equal(cgroupFile(info.cgroup, 'pids.max'), '20');
  await h.runtime.start(info.id);
  assert.equal((await h.runtime.wait(info.id)).exitCode, 3);
  assert.equal(cgroupFile(info.cgroup, 'memory.limit_in_bytes'), String(32 << 20));

  await h.cgroups.destroy(info.id); // what a host restart leaves: the record, no cgroup
  await h.runtime.update(info.id, { memoryBytes: 48 << 20 });
  assert.ok(!(await h.cgroups.list()).includes(info.id), 'the update made no cgroup');
  assert.equal(h.runtime.get(info.id).spec.resources.memoryBytes, 48 << 20);
  await h.runtime.start(info.id);
  assert.equal((await h.runtime.wait(info.id)).exitCode, 3);
  assert.equal(cgroupFile(info.cgroup, 'memory.limit_in_bytes'), String(48 << 20));
  assert.equal(cgroupFile(info.cgroup, 'pids.max'), '20');
});

test('logs until: lines up to a time; a follow with until ends when that time comes, though the container runs on', async (t) => {
  const info = await started(t, { cmd: ['sh', '-c', 'echo first; sleep 0.3; echo second; exec sleep 300'] });
  await waitFor('both lines', async () => (await collect(h.runtime.logs(info.id, {}))).length === 2);
  const times: string[] = [];
  for await (const l of eachLine(h.runtime.logs(info.id, {}))) times.push(l.time);
  assert.deepEqual(await collect(h.runtime.logs(info.id, { until: times[0] })), ['stdout:first']);
  assert.deepEqual(await collect(h.runtime.logs(info.id, { since: times[1] })), ['stdout:second']);
  const followed = await collect(h.runtime.logs(info.id, { follow: true, until: new Date(Date.now() + 300).toISOString() }));
  assert.deepEqual(followed, ['stdout:first', 'stdout:second']);
  assert.equal(h.runtime.get(info.id).status, 'running');
  await assert.rejects(async () => { for await (const _ of eachLine(h.runtime.logs(info.id, { until: 'soon' }))) { /* none */ } },
    (e: BerthError) => e.code === 'INVALID_REQUEST' && /until: expected an RFC 3339 time/.test(e.message));
});

test('a command that does not exist fails create with 127 and leaves nothing behind', async () => {
  const before = readdirSync(join(h.stateDir, 'containers'));
  await assert.rejects(h.runtime.create({ rootfs: h.rootfs, cmd: ['/bin/nope'] }), (e: BerthError) => {
    assert.equal(e.code, 'COMMAND_NOT_FOUND');
    assert.equal(e.exitCode, 127);
    assert.match(e.message, /nope/);
    return true;
  });
  assert.deepEqual(readdirSync(join(h.stateDir, 'containers')), before);
  assert.deepEqual(await h.cgroups.list(), h.runtime.list(true).map((c) => c.id).filter((id) => before.includes(id)));
  await assert.rejects(h.runtime.create({ rootfs: h.rootfs, cmd: ['/etc/passwd'] }), (e: BerthError) => e.code === 'COMMAND_NOT_EXECUTABLE');
});

test('an admission denial leaves nothing; a warning is kept on the container', async () => {
  const { createRuntime } = await import('../../../agent/runtime/index.js');
  const pino = (await import('pino')).default;
  const { EventBus } = await import('../../../agent/events/index.js');
  const rt = createRuntime({
    stateDir: h.stateDir, cgroups: h.cgroups, events: new EventBus(), logger: pino({ level: 'silent' }), shimPath: (await import('./harness.js')).SHIM_PATH,
    admit: async (spec) => {
      if (spec.capabilities.includes('CAP_SYS_ADMIN')) throw new BerthError('POLICY_DENIED', 'no SYS_ADMIN', { violations: [] });
      return { warnings: spec.resources.memoryBytes ? [] : ['no memory limit'] };
    },
  });
  try {
    const before = readdirSync(join(h.stateDir, 'containers')).length;
    await assert.rejects(rt.create({ rootfs: h.rootfs, cmd: ['true'], name: 'denied', capabilities: { add: ['SYS_ADMIN'] } }),
      (e: BerthError) => e.code === 'POLICY_DENIED');
    assert.equal(readdirSync(join(h.stateDir, 'containers')).length, before);
    const ok = await rt.create({ rootfs: h.rootfs, cmd: ['true'], name: 'denied' }); // the name was not kept by the denial
    assert.deepEqual(ok.warnings, ['no memory limit']);
    await rt.remove(ok.id, true);
  } finally {
    await rt.close();
  }
});

test('names are unique; lookups by name, id and unique prefix; remove refuses a running container', async (t) => {
  const info = await started(t, { name: 'lookup-me' });
  await assert.rejects(h.runtime.create({ rootfs: h.rootfs, cmd: ['true'], name: 'lookup-me' }), (e: BerthError) => e.code === 'NAME_IN_USE');
  assert.equal(h.runtime.get('lookup-me').id, info.id);
  assert.equal(h.runtime.get(info.id.slice(0, 10)).id, info.id);
  assert.throws(() => h.runtime.get('no-such-thing'), (e: BerthError) => e.code === 'NOT_FOUND');
  await assert.rejects(h.runtime.remove('lookup-me'), (e: BerthError) => e.code === 'INVALID_STATE');
  await h.runtime.remove('lookup-me', true);
  assert.throws(() => h.runtime.get(info.id), (e: BerthError) => e.code === 'NOT_FOUND');
  assert.ok(!existsSync(info.stateDir));
  assert.ok(!(await h.cgroups.list()).includes(info.id));
});

test('a created container that never started can be removed without force; nothing is left', async () => {
  const info = await h.runtime.create({ rootfs: h.rootfs, cmd: ['sleep', '300'] });
  assert.equal(info.status, 'created');
  assert.ok(info.pid > 0 && existsSync(`/proc/${info.pid}`), 'no init waiting for start');
  assert.equal((await h.runtime.stop(info.id)).status, 'created'); // nothing runs: a no-op
  await h.runtime.remove(info.id);
  assert.ok(!existsSync(info.stateDir));
  assert.ok(!(await h.cgroups.list()).includes(info.id));
  await waitFor('the waiting init to be gone', () => !existsSync(`/proc/${info.pid}`));
});

test('autoRemove removes the container after it exits', async () => {
  const info = await h.runtime.create({ rootfs: h.rootfs, cmd: ['true'], autoRemove: true });
  await h.runtime.start(info.id);
  await waitFor('the container to be removed', () => !existsSync(info.stateDir) && h.events.some((e) => e.kind === 'container.removed' && e.containerId === info.id));
  assert.throws(() => h.runtime.get(info.id), (e: BerthError) => e.code === 'NOT_FOUND');
});

test('lifecycle events are emitted in order', async () => {
  const r = await run(h.runtime, { rootfs: h.rootfs, cmd: ['true'] });
  const kinds = h.events.filter((e) => e.containerId === r.id).map((e) => e.kind);
  assert.deepEqual(kinds, ['container.created', 'container.started', 'container.exited', 'container.removed']);
});
