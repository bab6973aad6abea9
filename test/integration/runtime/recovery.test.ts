// Agent crash (SIGKILL) and restart through a real agent process: live containers are adopted,
// exits that happened while it was down are recorded with their real code, containers whose shim
// died with the host are kept, half-created containers and orphan cgroups are removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import { removeCgroupTree, startAgent, type TestAgent } from '../../helpers/agent.js';
import { busyboxRootfs } from '../../helpers/rootfs.js';
import { cgroupDir, cgroupFile } from '../../helpers/cgroup-files.js';
import { waitFor } from '../../helpers/wait.js';
import { ensureShim } from './harness.js';

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

async function runDetached(agent: TestAgent, cmd: string[]): Promise<{ id: string; pid: number; stateDir: string }> {
  const created = await agent.api('POST', '/v1/containers', { rootfs: busyboxRootfs(), cmd, start: true });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const info = await agent.api('GET', `/v1/containers/${created.body.id}`);
  assert.equal(info.body.status, 'running');
  return { id: created.body.id, pid: info.body.pid, stateDir: info.body.stateDir };
}

test('after an agent crash, a live container is adopted (still running, stoppable) and an exit while down is recorded', async (t) => {
  ensureShim();
  const agent = await startAgent();
  t.after(() => agent.stop());
  const live = await runDetached(agent, ['sleep', '300']);
  const trapper = await runDetached(agent, ['sh', '-c', 'trap "exit 42" TERM; while true; do sleep 0.1; done']);
  const exitFile = JSON.parse(readFileSync(join(trapper.stateDir, 'state.json'), 'utf8')).files.exit as string;

  await agent.crash();
  assert.ok(alive(live.pid), 'the container died with the agent');
  process.kill(trapper.pid, 'SIGTERM');
  await waitFor('the exit file written while the agent is down', () => existsSync(exitFile));

  await agent.start();
  const adopted = await agent.api('GET', `/v1/containers/${live.id}`);
  assert.equal(adopted.body.status, 'running');
  assert.equal(adopted.body.pid, live.pid);
  const exited = await agent.api('GET', `/v1/containers/${trapper.id}`);
  assert.equal(exited.body.status, 'exited');
  assert.equal(exited.body.exit.exitCode, 42);
  assert.equal((await agent.api('POST', `/v1/containers/${trapper.id}/wait`)).body.exitCode, 42);

  const stopped = await agent.api('POST', `/v1/containers/${live.id}/stop?t=1`);
  assert.equal(stopped.status, 200, JSON.stringify(stopped.body));
  assert.equal(stopped.body.status, 'exited');
  assert.equal(stopped.body.exit.exitCode, 137);
  assert.ok(!alive(live.pid));
  const removed = await agent.api('DELETE', `/v1/containers/${live.id}`);
  assert.equal(removed.status, 204);
  assert.ok(!existsSync(live.stateDir));
});

test('a container whose shim is gone without an exit (host restart, killed shim) is kept: a started one exits 255 and its policy runs, a created one starts later, a pid of the last boot is never signalled', async (t) => {
  ensureShim();
  const agent = await startAgent();
  t.after(() => agent.stop());
  const info = async (id: string) => (await agent.api('GET', `/v1/containers/${id}`)).body;
  const make = async (body: Record<string, unknown>) => {
    const created = await agent.api('POST', '/v1/containers', { rootfs: busyboxRootfs(), ...body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return info(created.body.id);
  };
  const always = await make({ cmd: ['sh', '-c', 'echo run; exec sleep 300'], restartPolicy: { name: 'always' }, start: true });
  const plain = await make({ cmd: ['sh', '-c', 'echo plain; exec sleep 300'], start: true });
  const never = await make({ cmd: ['sh', '-c', 'echo hello'] });
  await waitFor('both to have written their line', async () =>
    (await agent.cli(['logs', always.id])).stdout === 'run\n' && (await agent.cli(['logs', plain.id])).stdout === 'plain\n');
  await agent.crash();

  // A shim killed on its own: its container goes on running, unsupervised.
  process.kill(plain.shimPid, 'SIGKILL');
  await waitFor('the shim to be gone', () => !alive(plain.shimPid));
  assert.ok(alive(plain.pid), 'the container died with its shim');
  // A host restart: every process and cgroup of the last boot is gone, the state dirs stay, and a
  // recorded shim pid now names another process, here one that even looks like a berth-shim.
  const decoyDir = mkdtempSync(join(tmpdir(), 'berth-decoy-'));
  t.after(() => rmSync(decoyDir, { recursive: true, force: true }));
  copyFileSync('/bin/sleep', join(decoyDir, 'berth-shim'));
  const decoy = spawn(join(decoyDir, 'berth-shim'), ['300'], { stdio: 'ignore' });
  t.after(() => { decoy.kill('SIGKILL'); });
  for (const c of [always, never]) {
    process.kill(c.shimPid, 'SIGKILL');
    await removeCgroupTree(`${agent.cgroupParent}/${c.id}`);
    const statePath = join(c.stateDir, 'state.json');
    const record = JSON.parse(readFileSync(statePath, 'utf8'));
    assert.match(record.bootId, /^[0-9a-f-]{36}$/);
    writeFileSync(statePath, JSON.stringify({ ...record, bootId: randomUUID(), shimPid: decoy.pid }));
  }

  await agent.start();
  const lost = await info(plain.id);
  assert.deepEqual([lost.status, lost.exit.exitCode, lost.exit.reason.by], ['exited', 255, 'agent']);
  assert.match(lost.exit.reason.message, /shim was gone/);
  await waitFor('its unsupervised process to be killed through the cgroup', () => !alive(plain.pid));
  assert.match((await agent.cli(['ps', '-a', '--filter', `id=${plain.id}`])).stdout, /Exited \(255\)/);
  const back = await waitFor('always to run again', async () => {
    const c = await info(always.id);
    return c.status === 'running' ? c : undefined;
  });
  assert.equal(back.restartCount, 1);
  await waitFor('its log to go on', async () => (await agent.cli(['logs', always.id])).stdout === 'run\nrun\n');
  const kept = await info(never.id);
  assert.deepEqual([kept.status, kept.pid], ['created', 0]);
  assert.ok(alive(decoy.pid!), 'a process with a pid of the last boot was signalled');
  const waiting = agent.api('POST', `/v1/containers/${never.id}/wait`); // waits for the run its start begins
  const up = await agent.api('POST', `/v1/containers/${never.id}/update`, { resources: { memoryBytes: 64 * 2 ** 20 } });
  assert.equal(up.status, 200, JSON.stringify(up.body));
  assert.equal((await agent.api('POST', `/v1/containers/${never.id}/start`)).status, 200);
  assert.equal((await waiting).body.exitCode, 0);
  assert.equal((await agent.cli(['logs', never.id])).stdout, 'hello\n');
  assert.equal(cgroupFile(never.cgroup, 'memory.limit_in_bytes'), String(64 * 2 ** 20));
});

test('a recorded shim pid that another container\'s shim has taken since (reused while the agent was down) is neither adopted nor killed as the first one\'s', async (t) => {
  ensureShim();
  const agent = await startAgent();
  t.after(() => agent.stop());
  const info = async (id: string) => (await agent.api('GET', `/v1/containers/${id}`)).body;
  const run = async () => {
    const created = await agent.api('POST', '/v1/containers', { rootfs: busyboxRootfs(), cmd: ['sleep', '300'], start: true });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return info(created.body.id);
  };
  const gone = await run();
  const other = await run();
  await agent.crash();
  process.kill(gone.shimPid, 'SIGKILL');
  await waitFor('the shim to be gone', () => !alive(gone.shimPid));
  // As if the kernel had handed its pid out again, to the other container's shim.
  const statePath = join(gone.stateDir, 'state.json');
  const record = JSON.parse(readFileSync(statePath, 'utf8'));
  assert.ok(Number.isSafeInteger(record.shimStartTicks), 'the record names when its shim started');
  writeFileSync(statePath, JSON.stringify({ ...record, shimPid: other.shimPid }));

  await agent.start();
  const lost = await info(gone.id);
  assert.deepEqual([lost.status, lost.exit?.exitCode], ['exited', 255], JSON.stringify(lost));
  await waitFor('its unsupervised process to be killed', () => !alive(gone.pid));
  assert.equal((await agent.api('DELETE', `/v1/containers/${gone.id}?force=true`)).status, 204);
  assert.ok(alive(other.shimPid) && alive(other.pid), 'the other container\'s shim was killed as the first one\'s');
  assert.equal((await info(other.id)).status, 'running');
});

test('a shim that dies while the agent runs: its container is killed and exits 255, its policy runs, and a stop waiting for it ends', async (t) => {
  ensureShim();
  const agent = await startAgent();
  t.after(() => agent.stop());
  const info = async (id: string) => (await agent.api('GET', `/v1/containers/${id}`)).body;
  const make = async (body: Record<string, unknown>) => (await agent.api('POST', '/v1/containers', { rootfs: busyboxRootfs(), start: true, ...body })).body;
  const policed = await info((await make({ cmd: ['sleep', '300'], restartPolicy: { name: 'on-failure' } })).id);
  const stopped = await info((await make({ cmd: ['sleep', '300'] })).id);

  process.kill(policed.shimPid, 'SIGKILL');
  const back = await waitFor('on-failure to run it again after its unknown exit', async () => {
    const c = await info(policed.id);
    return c.status === 'running' && c.restartCount === 1 ? c : undefined;
  });
  assert.notEqual(back.pid, policed.pid);
  await waitFor('the unsupervised process to be killed (and reaped)', () => !alive(policed.pid));
  const exited = (await agent.api('GET', `/v1/events?kind=container.exited&container=${policed.id}`)).body;
  assert.deepEqual(exited.map((e: { data: { exitCode: number; reason: { by: string } } }) => [e.data.exitCode, e.data.reason.by]), [[255, 'agent']]);

  // A stop of a container whose shim is gone: the shim cannot write the exit its SIGKILL causes.
  process.kill(stopped.shimPid, 'SIGKILL');
  const stop = await agent.api('POST', `/v1/containers/${stopped.id}/stop?t=0`);
  assert.equal(stop.status, 200, JSON.stringify(stop.body));
  assert.deepEqual([stop.body.status, stop.body.exit.exitCode], ['exited', 255]);
  await waitFor('its process to be killed (and reaped)', () => !alive(stopped.pid));
});

test('a half-created container (no `created` recorded) and an orphan cgroup are cleaned at start; a nested cgroup parent is left alone', async (t) => {
  ensureShim();
  const agent = await startAgent();
  t.after(() => agent.stop());
  await agent.crash();

  const halfId = randomBytes(32).toString('hex');
  const orphanId = randomBytes(32).toString('hex');
  const halfDir = join(agent.stateDir, 'containers', halfId);
  mkdirSync(halfDir, { recursive: true });
  writeFileSync(join(halfDir, 'state.json'), JSON.stringify({ id: halfId, phase: 'creating' }));
  const pidsRoot = cgroupDir('pids', agent.cgroupParent);
  const halfCg = join(pidsRoot, halfId);
  const orphanCg = join(pidsRoot, orphanId);
  mkdirSync(halfCg, { recursive: true });
  mkdirSync(orphanCg, { recursive: true });
  const leftover = spawn('sleep', ['300'], { stdio: 'ignore' });
  t.after(() => { leftover.kill('SIGKILL'); });
  writeFileSync(join(halfCg, 'cgroup.procs'), String(leftover.pid));
  // Another agent's cgroup parent nested in this one's (--cgroup-parent berth/test): not an orphan.
  const nestedCg = join(pidsRoot, 'nested-agent');
  mkdirSync(nestedCg);
  const nested = spawn('sleep', ['300'], { stdio: 'ignore' });
  t.after(() => { nested.kill('SIGKILL'); });
  writeFileSync(join(nestedCg, 'cgroup.procs'), String(nested.pid));

  await agent.start();
  assert.ok(!existsSync(halfDir), 'the half-created state dir is still there');
  assert.ok(!existsSync(halfCg), 'the half-created cgroup is still there');
  assert.ok(!existsSync(orphanCg), 'the orphan cgroup is still there');
  await waitFor('the leftover process to be killed through its cgroup', () => leftover.exitCode !== null || leftover.signalCode !== null);
  assert.ok(existsSync(nestedCg) && alive(nested.pid!), 'a cgroup not named like a container was taken for an orphan');
  nested.kill('SIGKILL');
  await waitFor('the nested cgroup to empty', () => readFileSync(join(nestedCg, 'cgroup.procs'), 'utf8') === '');
  rmdirSync(nestedCg);
  assert.deepEqual(agent.leftoverCgroups(), []);
  const list = await agent.api('GET', '/v1/containers?all=true');
  assert.deepEqual(list.body, []);
});

test('a start again interrupted by a crash leaves the exited container as it was, and what the attempt started is killed', async (t) => {
  ensureShim();
  const agent = await startAgent();
  t.after(() => agent.stop());
  const created = await agent.api('POST', '/v1/containers', { rootfs: busyboxRootfs(), cmd: ['sh', '-c', 'echo first; exit 5'], start: true });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const { id } = created.body;
  assert.equal((await agent.api('POST', `/v1/containers/${id}/wait`)).body.exitCode, 5);
  const { stateDir, cgroup } = (await agent.api('GET', `/v1/containers/${id}`)).body;
  await agent.crash();

  // What the agent leaves behind if it dies half-way through relaunch.ts: the record says
  // `relaunching`, and a new init already runs in the cgroup.
  const statePath = join(stateDir, 'state.json');
  writeFileSync(statePath, JSON.stringify({ ...JSON.parse(readFileSync(statePath, 'utf8')), phase: 'relaunching' }));
  const halfStarted = spawn('sleep', ['300'], { stdio: 'ignore' });
  t.after(() => { halfStarted.kill('SIGKILL'); });
  writeFileSync(join(cgroupDir('pids', cgroup), 'cgroup.procs'), String(halfStarted.pid));

  await agent.start();
  await waitFor('the half-started process to be killed through the cgroup', () => halfStarted.exitCode !== null || halfStarted.signalCode !== null);
  const after = (await agent.api('GET', `/v1/containers/${id}`)).body;
  assert.deepEqual([after.status, after.exit.exitCode], ['exited', 5]);
  assert.equal(JSON.parse(readFileSync(statePath, 'utf8')).phase, 'created');
  assert.ok(existsSync(cgroupDir('pids', cgroup)), 'the cgroup stays with the container');
  // And it can be started again for real.
  assert.equal((await agent.api('POST', `/v1/containers/${id}/start`)).status, 200);
  assert.equal((await agent.api('POST', `/v1/containers/${id}/wait`)).body.exitCode, 5);
  assert.equal((await agent.api('DELETE', `/v1/containers/${id}`)).status, 204);
});

test('an update cut short by a crash (recorded, the cgroup half-written) is finished at start: the cgroup and the record agree on the new limits', async (t) => {
  ensureShim();
  const agent = await startAgent();
  t.after(() => agent.stop());
  const created = await agent.api('POST', '/v1/containers', { rootfs: busyboxRootfs(), cmd: ['sleep', '300'], resources: { cpus: 1 }, start: true });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const { id, stateDir, cgroup, pid } = (await agent.api('GET', `/v1/containers/${created.body.id}`)).body;
  await agent.crash();

  // What update.ts leaves when the agent dies after its first cgroup write: the record names the
  // update, the spec is the old one, the pids limit is written and the CPU quota not yet.
  const statePath = join(stateDir, 'state.json');
  const record = JSON.parse(readFileSync(statePath, 'utf8'));
  const resources = { ...record.spec.resources, cpus: 0.5, pidsLimit: 30 };
  writeFileSync(statePath, JSON.stringify({ ...record, updating: { resources, cgroup: { cpuQuotaUs: 50000, cpuPeriodUs: 100000, pidsLimit: 30 } } }));
  writeFileSync(join(cgroupDir('pids', cgroup), 'pids.max'), '30');
  assert.equal(cgroupFile(cgroup, 'cpu.cfs_quota_us'), '100000');

  await agent.start();
  const after = (await agent.api('GET', `/v1/containers/${id}`)).body;
  assert.deepEqual([after.status, after.pid, after.spec.resources.cpus, after.spec.resources.pidsLimit], ['running', pid, 0.5, 30]);
  assert.deepEqual([cgroupFile(cgroup, 'cpu.cfs_quota_us'), cgroupFile(cgroup, 'pids.max')], ['50000', '30']);
  assert.equal(JSON.parse(readFileSync(statePath, 'utf8')).updating, undefined);
  assert.equal((await agent.api('DELETE', `/v1/containers/${id}?force=true`)).status, 204);
});

test('restart policies: on-failure gives up after its retries; always comes back from a crash of its process, not from a user stop, and again when the agent starts', async (t) => {
  ensureShim();
  const agent = await startAgent();
  t.after(() => agent.stop());
  const info = async (id: string) => (await agent.api('GET', `/v1/containers/${id}`)).body;

  const failing = await agent.api('POST', '/v1/containers', {
    rootfs: busyboxRootfs(), cmd: ['sh', '-c', 'echo try; exit 3'], restartPolicy: { name: 'on-failure', maxRetries: 2 }, start: true,
  });
  assert.equal(failing.status, 201, JSON.stringify(failing.body));
  await waitFor('two restarts, then rest', async () => {
    const c = await info(failing.body.id);
    return c.restartCount === 2 && c.status === 'exited' && c.restartAt === undefined ? c : undefined;
  });
  const logs = await agent.cli(['logs', failing.body.id]);
  assert.equal(logs.stdout, 'try\ntry\ntry\n');
  const restarting = (await agent.api('GET', `/v1/events?kind=container.restarting&container=${failing.body.id}`)).body;
  assert.deepEqual(restarting.map((e: { data: { delayMs: number } }) => e.data.delayMs), [100, 200]);

  const always = (await agent.api('POST', '/v1/containers', {
    rootfs: busyboxRootfs(), cmd: ['sleep', '300'], name: 'phoenix', restartPolicy: { name: 'always' }, start: true,
  })).body;
  const firstPid = (await info(always.id)).pid;
  process.kill(firstPid, 'SIGKILL'); // not through berth: the policy brings it back
  const back = await waitFor('the policy restart', async () => {
    const c = await info(always.id);
    return c.status === 'running' && c.pid !== firstPid ? c : undefined;
  });
  assert.equal(back.restartCount, 1);
  const stopped = await agent.api('POST', `/v1/containers/${always.id}/stop?t=0`);
  assert.deepEqual([stopped.body.status, stopped.body.restartAt], ['exited', undefined], 'a user stop is final');
  assert.match((await agent.cli(['ps', '-a', '--filter', 'name=phoenix'])).stdout, /Exited \(137\)/);

  const failingState = join((await info(failing.body.id)).stateDir, 'state.json');
  await agent.crash();
  // A policy restart that was waiting when the agent died: it runs once the agent is back.
  writeFileSync(failingState, JSON.stringify({ ...JSON.parse(readFileSync(failingState, 'utf8')), restartAt: new Date().toISOString() }));
  await agent.start();
  await waitFor('always to run again when the agent starts', async () => (await info(always.id)).status === 'running');
  await waitFor('the pending restart to run', async () => {
    const c = await info(failing.body.id);
    return c.restartCount === 3 && c.status === 'exited' && c.restartAt === undefined;
  });
  assert.equal((await agent.cli(['logs', failing.body.id])).stdout, 'try\ntry\ntry\ntry\n');
});

test('update --restart: a new policy takes effect at the next exit; `no` cancels a restart that is waiting', async (t) => {
  ensureShim();
  const agent = await startAgent();
  t.after(() => agent.stop());
  const info = async (id: string) => (await agent.api('GET', `/v1/containers/${id}`)).body;

  const plain = (await agent.api('POST', '/v1/containers', { rootfs: busyboxRootfs(), cmd: ['sleep', '300'], start: true })).body;
  const up = await agent.cli(['update', '--restart', 'always', plain.id]);
  assert.equal(up.code, 0, up.stderr);
  assert.deepEqual((await info(plain.id)).spec.restartPolicy, { name: 'always', maxRetries: 0 });
  const firstPid = (await info(plain.id)).pid;
  process.kill(firstPid, 'SIGKILL'); // not through berth: the new policy brings it back
  await waitFor('the restart under the new policy', async () => {
    const c = await info(plain.id);
    return c.status === 'running' && c.pid !== firstPid;
  });

  const looping = (await agent.api('POST', '/v1/containers', {
    rootfs: busyboxRootfs(), cmd: ['sh', '-c', 'exit 1'], restartPolicy: { name: 'always' }, start: true,
  })).body;
  await waitFor('a restart waiting its delay', async () => (await info(looping.id)).restartAt !== undefined);
  const no = await agent.api('POST', `/v1/containers/${looping.id}/update`, { restartPolicy: { name: 'no' } });
  assert.equal(no.status, 200, JSON.stringify(no.body));
  assert.deepEqual([no.body.status, no.body.restartAt, no.body.spec.restartPolicy.name], ['exited', undefined, 'no']);
  assert.match((await agent.cli(['ps', '-a', '--filter', `id=${looping.id}`])).stdout, /Exited \(1\)/);

  const bad = await agent.api('POST', `/v1/containers/${plain.id}/update`, { restartPolicy: { name: 'always', maxRetries: 3 } });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error.message, /maxRetries: goes only with "on-failure"/);
  assert.equal((await agent.api('POST', `/v1/containers/${plain.id}/update`, {})).status, 400);
});

test('a state.json written before the spec\'s later fields existed is read with their defaults: the container runs again and updates', async (t) => {
  ensureShim();
  const agent = await startAgent();
  t.after(() => agent.stop());
  const created = (await agent.api('POST', '/v1/containers', { rootfs: busyboxRootfs(), cmd: ['sh', '-c', 'echo run'], start: true })).body;
  await agent.api('POST', `/v1/containers/${created.id}/wait`);
  const statePath = join((await agent.api('GET', `/v1/containers/${created.id}`)).body.stateDir, 'state.json');
  await agent.crash();
  // As the agent of 2026-12-03 wrote it: none of the fields added since.
  const record = JSON.parse(readFileSync(statePath, 'utf8'));
  for (const key of ['restartPolicy', 'healthcheck', 'sysctls', 'privilegedMode', 'devices', 'init', 'logRotate', 'groupAdd', 'shmSizeBytes', 'oomScoreAdj', 'domainname',
    'extraHosts', 'dns', 'dnsSearch', 'dnsOptions']) delete record.spec[key];
  for (const key of ['memoryReservationBytes', 'cpuPeriodUs', 'cpuBurstUs', 'ioLimits']) delete record.spec.resources[key];
  delete record.format;
  writeFileSync(statePath, JSON.stringify(record));
  for (const file of ['hosts', 'hostname', 'resolv.conf']) rmSync(join(dirname(statePath), file)); // nor the /etc files
  await agent.start();
  const spec = (await agent.api('GET', `/v1/containers/${created.id}`)).body.spec;
  assert.deepEqual([spec.init, spec.sysctls, spec.devices, spec.logRotate, spec.shmSizeBytes, spec.resources.ioLimits, spec.resources.cpuPeriodUs, spec.resources.cpuBurstUs, spec.domainname],
    [false, {}, [], { maxSizeBytes: 0, maxFiles: 1 }, 64 * 2 ** 20, [], 0, 0, '']);
  assert.equal((await agent.api('POST', `/v1/containers/${created.id}/start`)).status, 200);
  assert.equal((await agent.api('POST', `/v1/containers/${created.id}/wait`)).body.exitCode, 0);
  assert.equal((await agent.cli(['logs', created.id])).stdout, 'run\nrun\n');
  const up = await agent.api('POST', `/v1/containers/${created.id}/update`, { restartPolicy: { name: 'no' } });
  assert.equal(up.status, 200, JSON.stringify(up.body));
  assert.ok(existsSync(join(dirname(statePath), 'resolv.conf')), 'the start wrote the /etc files it lacked');
  assert.equal(JSON.parse(readFileSync(statePath, 'utf8')).format, 1, 'written again in this agent\'s format');
});

test('a state.json of a newer format (a downgrade) is left alone: not adopted, not removed, its process and cgroup untouched', async (t) => {
  ensureShim();
  const agent = await startAgent();
  t.after(() => agent.stop());
  const live = await runDetached(agent, ['sleep', '300']);
  const statePath = join(live.stateDir, 'state.json');
  await agent.crash();
  const record = JSON.parse(readFileSync(statePath, 'utf8'));
  writeFileSync(statePath, JSON.stringify({ ...record, format: 99 }));
  await agent.start();
  assert.equal((await agent.api('GET', `/v1/containers/${live.id}`)).status, 404);
  const recovered = (await agent.api('GET', '/v1/events?kind=agent.recovered')).body.at(-1);
  assert.match(recovered.message, /, 1 failed$/);
  assert.ok(alive(live.pid) && existsSync(statePath), 'the container runs on, its state dir kept');
  assert.ok(existsSync(cgroupDir('pids', record.cgroup)), 'its cgroup kept');
  // Back to this agent's format: the next start adopts it, so the test leaves nothing behind.
  await agent.crash();
  writeFileSync(statePath, JSON.stringify(record));
  await agent.start();
  assert.equal((await agent.api('DELETE', `/v1/containers/${live.id}?force=true`)).status, 204);
});
