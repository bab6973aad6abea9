// The long-lived `berth-shim spawner`: concurrent launches share it and are told apart by id,
// launches are not its children, a spawner killed with a request waiting fails that launch
// cleanly (nothing left) and the next create starts a new one, and containers survive the
// spawner's and the agent's death (the spawner itself exits with the agent). Execs are its
// children, never the agent's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { startAgent } from '../../helpers/agent.js';
import { busyboxRootfs } from '../../helpers/rootfs.js';
import { waitFor } from '../../helpers/wait.js';
import { ensureShim, startHarness, type Harness } from './harness.js';

let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h?.cleanup(); });

function procStat(pid: number): { ppid: number; sid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp session …
    return { ppid: Number(fields[1]), sid: Number(fields[3]) };
  } catch {
    return undefined; // gone
  }
}

/** All of a stream, at its end. */
function text(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve) => {
    let all = '';
    stream.on('data', (d) => { all += d; }).on('end', () => resolve(all));
  });
}

function alive(pid: number): boolean {
  const stat = procStat(pid);
  if (!stat) return false;
  return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); // a zombie is dead
}

/** `berth-shim spawner` processes whose parent is `ppid`. */
function spawnersOf(ppid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (basename(argv[0] ?? '') === 'berth-shim' && argv[1] === 'spawner' && procStat(pid)?.ppid === ppid && alive(pid)) out.push(pid);
    } catch { /* exited while we looked */ }
  }
  return out;
}

async function theSpawner(ppid: number): Promise<number> {
  const pids = await waitFor(`one berth-shim spawner child of ${ppid}`, () => {
    const found = spawnersOf(ppid);
    return found.length === 1 ? found : undefined;
  });
  return pids[0]!;
}

/** Bytes waiting in the receive queue of the spawner's fd 3 (ss reads them through sock_diag). */
function queuedAtSpawner(pid: number): number {
  const r = spawnSync('ss', ['-xpHn'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ss -xpHn: ${r.stderr}`);
  const line = r.stdout.split('\n').find((l) => l.includes(`pid=${pid},fd=3)`));
  return line ? Number(line.trim().split(/\s+/)[2]) : 0;
}

function leftovers(): { dirs: string[]; cgroups: Promise<string[]> } {
  return { dirs: readdirSync(join(h.stateDir, 'containers')), cgroups: h.cgroups.list() };
}

test('concurrent launches share one spawner, failures reach their own launch, and no launch is its child', async () => {
  const specs = Array.from({ length: 24 }, (_, i) =>
    ({ rootfs: h.rootfs, cmd: i % 4 === 3 ? ['/no/such/command'] : ['sleep', '300'], name: `spawned-${i}` }));
  const results = await Promise.allSettled(specs.map((s) => h.runtime.create(s)));
  const spawner = await theSpawner(process.pid);
  const created = [];
  for (const [i, r] of results.entries()) {
    if (i % 4 === 3) {
      assert.equal(r.status, 'rejected', `launch ${i} should have failed`);
      assert.equal((r as PromiseRejectedResult).reason.code, 'COMMAND_NOT_FOUND');
      assert.match(String((r as PromiseRejectedResult).reason.message), new RegExp(`create container spawned-${i} .*execvp /no/such/command`));
    } else {
      assert.equal(r.status, 'fulfilled', String((r as PromiseRejectedResult).reason));
      created.push((r as PromiseFulfilledResult<{ id: string; name: string; shimPid: number; pid: number }>).value);
    }
  }
  assert.equal(created.length, 18);
  assert.equal(new Set(created.map((c) => c.shimPid)).size, 18);
  for (const c of created) {
    const stat = procStat(c.shimPid);
    assert.ok(stat, `shim ${c.shimPid} of ${c.name} is not running`);
    assert.notEqual(stat.ppid, spawner, 'a monitor is a child of the spawner');
    assert.notEqual(stat.ppid, process.pid, 'a monitor is a child of the agent');
    assert.equal(stat.sid, c.shimPid, 'a monitor is not in its own session');
    assert.equal(procStat(c.pid)?.ppid, c.shimPid);
  }
  assert.deepEqual(spawnersOf(process.pid), [spawner], 'more than one spawner was started');
  await Promise.all(created.map((c) => h.runtime.remove(c.id, true)));
  const left = leftovers();
  assert.deepEqual(left.dirs, []);
  assert.deepEqual(await left.cgroups, []);
});

test('a spawner killed with a request waiting fails that create cleanly; the next create starts a new spawner', async (t) => {
  await h.runtime.remove((await h.runtime.create({ rootfs: h.rootfs, cmd: ['true'] })).id, true); // a spawner runs
  const first = await theSpawner(process.pid);
  process.kill(first, 'SIGSTOP');
  t.after(() => { try { process.kill(first, 'SIGKILL'); } catch { /* gone */ } });
  const pending = h.runtime.create({ rootfs: h.rootfs, cmd: ['true'], name: 'never-launched' });
  pending.catch(() => undefined); // asserted below
  await waitFor('the request queued at the stopped spawner', () => queuedAtSpawner(first) > 0);
  process.kill(first, 'SIGKILL');
  await assert.rejects(pending, (err: { code: string; message: string }) => {
    assert.equal(err.code, 'LAUNCH_FAILED');
    assert.match(err.message, new RegExp(`^create container never-launched \\(\\w{12}\\): the berth-shim spawner \\(pid ${first}\\) was killed by SIGKILL before the launch reported \`created\``));
    return true;
  });
  const left = leftovers();
  assert.deepEqual(left.dirs, [], 'the failed create left its state directory');
  assert.deepEqual(await left.cgroups, [], 'the failed create left its cgroup');
  assert.throws(() => h.runtime.get('never-launched'), /no such container/);

  const next = await h.runtime.create({ rootfs: h.rootfs, cmd: ['sh', '-c', 'exit 3'], name: 'never-launched' });
  await h.runtime.start(next.id);
  assert.equal((await h.runtime.wait(next.id)).exitCode, 3);
  const second = await theSpawner(process.pid);
  assert.notEqual(second, first);
  await h.runtime.remove(next.id, true);
});

test('an exec is forked by the spawner, not by the agent; a spawner killed while one runs ends it with 255 and says why', async () => {
  const c = await h.runtime.create({ rootfs: h.rootfs, cmd: ['sleep', '300'] });
  await h.runtime.start(c.id);
  const exec = await h.runtime.exec(c.id, { cmd: ['sh', '-c', 'echo ready; exec sleep 300'] });
  let out = '';
  let err = '';
  exec.stdout.on('data', (d) => { out += d; });
  exec.stderr.on('data', (d) => { err += d; });
  const spawner = await theSpawner(process.pid);
  assert.equal(procStat(exec.pid)?.ppid, spawner, 'the exec shim is not a child of the spawner');
  // 40 execs at once, each with its own output and exit code: nothing crosses over.
  const many = await Promise.all(Array.from({ length: 40 }, (_, i) =>
    h.runtime.exec(c.id, { cmd: ['sh', '-c', `echo out-${i}; echo err-${i} >&2; exit ${i % 7}`] })));
  const results = await Promise.all(many.map(async (p) => {
    const [o, e, exit] = await Promise.all([text(p.stdout), text(p.stderr), p.exited]);
    return { exit, o, e };
  }));
  results.forEach((r, i) => assert.deepEqual(r, { exit: { exitCode: i % 7 }, o: `out-${i}\n`, e: `err-${i}\n` }));
  await waitFor('the exec\'s output', () => out === 'ready\n');
  process.kill(spawner, 'SIGKILL');
  await waitFor('the spawner to be gone', () => !alive(spawner));
  process.kill(exec.pid, 'SIGKILL'); // its output connections close with it
  assert.deepEqual(await exec.exited, { exitCode: 255 });
  assert.match(err, new RegExp(`^berth: exec in container \\S+ \\(\\w{12}\\): the berth-shim spawner \\(pid ${spawner}\\) was killed by SIGKILL before it reported the exit status\n$`));
  const next = await h.runtime.exec(c.id, { cmd: ['sh', '-c', 'exit 4'] });
  next.stdout.resume();
  next.stderr.resume();
  assert.deepEqual(await next.exited, { exitCode: 4 });
  assert.notEqual(await theSpawner(process.pid), spawner);
  await h.runtime.remove(c.id, true);
});

test('a container outlives the spawner that launched it and stays under the runtime\'s control', async () => {
  const c = await h.runtime.create({ rootfs: h.rootfs, cmd: ['sleep', '300'] });
  await h.runtime.start(c.id);
  const spawner = await theSpawner(process.pid);
  process.kill(spawner, 'SIGKILL');
  await waitFor('the spawner to be gone', () => !alive(spawner));
  assert.ok(alive(c.pid) && alive(c.shimPid), 'the container died with the spawner');
  assert.equal(h.runtime.get(c.id).status, 'running');
  const stopped = await h.runtime.stop(c.id, { timeoutSeconds: 1 });
  assert.equal(stopped.exit?.exitCode, 137);
  assert.ok(!alive(c.shimPid));
  await h.runtime.remove(c.id);
});

test('the spawner exits with the agent; its containers survive the agent and are adopted by the next one', async (t) => {
  ensureShim();
  const agent = await startAgent();
  t.after(() => agent.stop());
  const created = await agent.api('POST', '/v1/containers', { rootfs: busyboxRootfs(), cmd: ['sleep', '300'], start: true });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const { pid, shimPid } = (await agent.api('GET', `/v1/containers/${created.body.id}`)).body as { pid: number; shimPid: number };
  const spawner = await theSpawner(agent.proc!.pid!);

  await agent.crash();
  await waitFor('the spawner to exit at EOF of its channel', () => !alive(spawner));
  assert.ok(alive(pid) && alive(shimPid), 'the container died with the agent');

  await agent.start();
  const adopted = await agent.api('GET', `/v1/containers/${created.body.id}`);
  assert.equal(adopted.body.status, 'running');
  const next = await agent.api('POST', '/v1/containers', { rootfs: busyboxRootfs(), cmd: ['true'], start: true });
  assert.equal(next.status, 201, JSON.stringify(next.body));
  assert.equal((await agent.api('POST', `/v1/containers/${next.body.id}/wait`)).body.exitCode, 0);
  assert.notEqual(await theSpawner(agent.proc!.pid!), spawner);
  assert.ok(existsSync(adopted.body.stateDir));
});
