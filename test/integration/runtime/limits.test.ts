// Limits that bite: the memory limit OOM-kills (reported oomKilled, 137), the pids limit stops
// a fork loop.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAllStats } from '../../../agent/cgroups/index.js';
import { cgroupFile } from '../../helpers/cgroup-files.js';
import { waitFor } from '../../helpers/wait.js';
import { run, startHarness, type Harness } from './harness.js';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h?.cleanup(); });

const MiB = 1024 * 1024;

test('a process over a 16 MiB memory limit is OOM-killed and reported oomKilled with exit 137', async () => {
  // Each doubling of the shell variable allocates; 64 MiB of string cannot fit in 16 MiB (swap off too).
  const r = await run(h.runtime, {
    rootfs: h.rootfs,
    cmd: ['sh', '-c', 'x=0123456789abcdef; while true; do x="$x$x"; done'],
    resources: { memoryBytes: 16 * MiB, memorySwapBytes: 16 * MiB },
  });
  assert.equal(r.exit.exitCode, 137);
  assert.equal(r.exit.signal, 'SIGKILL');
  assert.equal(r.exit.oomKilled, true);
  assert.ok(h.events.some((e) => e.kind === 'container.oom' && e.containerId === r.id));
});

test('a container under its memory limit is not reported oomKilled when SIGKILLed', async () => {
  const info = await h.runtime.create({ rootfs: h.rootfs, cmd: ['sleep', '60'], resources: { memoryBytes: 64 * MiB } });
  try {
    await h.runtime.start(info.id);
    await h.runtime.kill(info.id, 'SIGKILL');
    const exit = await h.runtime.wait(info.id);
    assert.equal(exit.exitCode, 137);
    assert.equal(exit.oomKilled, false);
  } finally {
    await h.runtime.remove(info.id, true);
  }
});

test('OOM kills are counted per run: the same container started again and SIGKILLed is not reported oomKilled', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-oom-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // The first run grows until the OOM killer ends it; the second finds the marker and only sleeps.
  const r = await run(h.runtime, {
    rootfs: h.rootfs, mounts: [{ type: 'bind', source: dir, target: '/state' }],
    cmd: ['sh', '-c', 'if [ -e /state/grown ]; then exec sleep 300; fi; touch /state/grown; x=0123456789abcdef; while true; do x="$x$x"; done'],
    resources: { memoryBytes: 16 * MiB, memorySwapBytes: 16 * MiB },
  }, { keep: true });
  t.after(async () => { await h.runtime.remove(r.id, true).catch(() => undefined); });
  assert.equal(r.exit.oomKilled, true);
  await h.runtime.start(r.id);
  await h.runtime.kill(r.id, 'SIGKILL');
  const exit = await h.runtime.wait(r.id);
  assert.deepEqual([exit.exitCode, exit.oomKilled], [137, false]);
});

test('--oom-kill-disable (cgroup v1): at its limit the container waits for memory instead of being killed; rm -f still ends it', {
  skip: !existsSync('/sys/fs/cgroup/memory/memory.oom_control') && 'needs the cgroup v1 memory controller',
}, async (t) => {
  const info = await h.runtime.create({
    rootfs: h.rootfs, cmd: ['sh', '-c', 'x=0123456789abcdef; while true; do x="$x$x"; done'],
    resources: { memoryBytes: 16 * MiB, memorySwapBytes: 16 * MiB, oomKillDisable: true },
  });
  t.after(async () => { await h.runtime.remove(info.id, true).catch(() => undefined); });
  await h.runtime.start(info.id);
  const oomControl = () => readFileSync(`/sys/fs/cgroup/memory${info.cgroup}/memory.oom_control`, 'utf8');
  const control = await waitFor('the container to reach its limit and wait', () => {
    const text = oomControl();
    return /^under_oom 1$/m.test(text) ? text : undefined;
  }, { timeoutMs: 20_000 });
  assert.match(control, /^oom_kill_disable 1$/m);
  assert.match(control, /^oom_kill 0$/m, 'nothing killed');
  assert.equal(h.runtime.get(info.id).status, 'running');
  const reader = h.cgroups.statsReader(info.id);
  try {
    assert.equal(readAllStats(reader)?.memory.underOom, true, 'the sampler\'s figure (sample.memory.underOom)');
  } finally {
    reader.close();
  }
  await h.runtime.remove(info.id, true); // SIGKILL ends a task waiting for memory
  assert.throws(() => h.runtime.get(info.id), { code: 'NOT_FOUND' });
});

test('a memory limit below what the container holds (tmpfs, no swap) is refused naming the field; nothing changes, nothing is killed', async (t) => {
  // v1's kernel refuses the write (EBUSY); v2's would OOM-kill, so berth refuses it there itself.
  const info = await h.runtime.create({
    rootfs: h.rootfs, cmd: ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/held bs=1M count=24 2>/dev/null; touch /dev/shm/done; exec sleep 1000'],
    resources: { memoryBytes: 64 * MiB },
  });
  t.after(async () => { await h.runtime.remove(info.id, true).catch(() => undefined); });
  await h.runtime.start(info.id);
  const pid = h.runtime.get(info.id).pid;
  await waitFor('24 MiB held in /dev/shm', () => existsSync(`/proc/${pid}/root/dev/shm/done`));
  await assert.rejects(h.runtime.update(info.id, { memoryBytes: 8 * MiB }), (err: any) => err.code === 'INVALID_STATE'
    && /^resources\.memoryBytes: .* holds more than the new limit of 8\.0 MiB .*the limits were left as they were .*EBUSY/.test(err.message));
  assert.equal(cgroupFile(info.cgroup, 'memory.limit_in_bytes'), String(64 * MiB));
  assert.equal(h.runtime.get(info.id).status, 'running');
  await h.runtime.update(info.id, { memoryBytes: 48 * MiB });
  assert.equal(cgroupFile(info.cgroup, 'memory.limit_in_bytes'), String(48 * MiB));
});

test('the pids limit stops a fork loop', async () => {
  const r = await run(h.runtime, {
    rootfs: h.rootfs,
    cmd: ['sh', '-c', 'i=0; while [ $i -lt 100 ]; do sleep 1000 & i=$((i+1)); done; echo forked-all'],
    resources: { pidsLimit: 10 },
  }, { keep: true });
  try {
    assert.doesNotMatch(r.stdout, /forked-all/);
    assert.match(r.stderr, /can't fork/);
    assert.notEqual(r.exit.exitCode, 0);
    // The kernel counts refused forks in pids.events (v1 pids controller and v2 alike).
    const cg = h.runtime.get(r.id).cgroup;
    const events = cgroupFile(cg, 'pids.events');
    assert.ok(Number(/max (\d+)/.exec(events)?.[1]) > 0, `pids.events: ${events}`);
  } finally {
    await h.runtime.remove(r.id, true);
  }
});
