// The CLI in-process against a real HTTP server on a unix socket (buildServer + a fake runtime):
// client, commands, output and exit codes, without root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { PassThrough, Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { buildServer, listenUnix } from '../../../agent/api/index.js';
import { parseGlobal, runCli } from '../../../agent/cli/index.js';
import { BerthError } from '../../../agent/errors.js';
import { EventBus } from '../../../agent/events/index.js';
import { FakeRuntime, fakeDeps } from '../api/fake-runtime.js';
import { createSnapshotStore } from '../../../agent/sampler/index.js';
import { waitFor } from '../../helpers/wait.js';

async function agent(t: { after: (fn: () => Promise<void> | void) => void }, events = new EventBus()) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-'));
  const socket = join(dir, 'sub', 'b.sock');
  const runtime = new FakeRuntime();
  const app = buildServer(fakeDeps(runtime, { snapshot: createSnapshotStore(), events }));
  t.after(async () => { await app.close(); rmSync(dir, { recursive: true, force: true }); });
  await listenUnix(app, socket);
  const answering = (input: string) => async (...argv: string[]) => {
    const stdout = sink();
    const stderr = sink();
    const code = await runCli(parseGlobal(['--host', socket, ...argv]), { stdin: Readable.from([input]), stdout, stderr, env: {}, cwd: dir });
    return { code, out: stdout.text, err: stderr.text };
  };
  return { runtime, cli: answering(''), answering, dir, socket, app };
}

test('create, start, ps, inspect, stop, rm', async (t) => {
  const { cli, runtime } = await agent(t);
  const created = await cli('create', '--name', 'web', '--rootfs', '/r', '--', '/bin/true');
  assert.equal(created.code, 0, created.err);
  const id = created.out.trim();
  assert.match(id, /^[0-9a-f]{64}$/);
  assert.equal(created.err, 'WARNING: w1\n', 'admission warnings go to stderr');
  assert.deepEqual((await cli('start', 'web')), { code: 0, out: 'web\n', err: '' });
  const ps = await cli('ps');
  assert.equal(ps.code, 0, ps.err);
  assert.match(ps.out, /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+NAMES\n/);
  assert.match(ps.out, new RegExp(`^${id.slice(0, 12)} .*"/bin/true".*Up .*web$`, 'm'));
  assert.equal((await cli('ps', '-q')).out, `${id.slice(0, 12)}\n`);
  assert.equal(JSON.parse((await cli('ps', '--format', 'json')).out).Names, 'web');
  const inspected = JSON.parse((await cli('inspect', 'web')).out);
  assert.equal(inspected.length, 1);
  assert.equal(inspected[0].id, id);
  assert.equal((await cli('restart', '-t', '4', 'web')).out, 'web\n');
  assert.deepEqual(runtime.calls.at(-1), { method: 'restart', args: ['web', { timeoutSeconds: 4, signal: undefined }, { by: 'user' }] });
  assert.equal((await cli('stop', '-t', '2', '-s', 'SIGINT', 'web')).out, 'web\n');
  assert.deepEqual(runtime.calls.at(-1), { method: 'stop', args: ['web', { timeoutSeconds: 2, signal: 'SIGINT' }, { by: 'user' }] });
  assert.equal((await cli('rm', 'web')).code, 0);
  assert.equal(runtime.containers.size, 0);
});

test('ps --filter goes to the agent; -n/-l list the newest in every state; a bad filter is the agent\'s 125', async (t) => {
  const { cli } = await agent(t);
  await cli('create', '--name', 'a', '-l', 'tier=front', '--rootfs', '/r');
  await cli('create', '--name', 'b', '--rootfs', '/r');
  await cli('start', 'a');
  const names = async (...argv: string[]) => (await cli('ps', ...argv, '--format', '{{.Names}}')).out.trim().split('\n').filter(Boolean);
  assert.deepEqual(await names(), ['a']);
  assert.deepEqual(await names('-f', 'status=created'), ['b']);
  assert.deepEqual(await names('-a', '-f', 'label=tier=front'), ['a']);
  assert.deepEqual((await names('-a', '--filter', 'name=a', '--filter', 'name=b')).sort(), ['a', 'b'], 'OR within a key');
  assert.equal((await names('-n', '1')).length, 1);
  assert.equal((await names('-l')).length, 1);
  const bad = await cli('ps', '-f', 'publish=80');
  assert.equal(bad.code, 125);
  assert.match(bad.err, /^berth: filter: invalid filter "publish"/);
});

test('container prune asks first (no answer or n: nothing), -f does not; only stopped containers that pass the filters go', async (t) => {
  const { cli, answering, runtime } = await agent(t);
  for (const [name, label] of [['up', 'a'], ['done', 'a'], ['fresh', 'b'], ['kept', 'b']] as const) await cli('create', '--name', name, '-l', `group=${label}`, '--rootfs', '/r');
  await cli('start', 'up');
  await cli('start', 'done');
  await cli('stop', 'done');
  await cli('start', 'kept');
  await cli('stop', 'kept');
  const left = () => [...runtime.containers.values()].map((c) => c.name).sort();
  for (const reply of ['', 'n\n', 'maybe\n']) {
    const asked = await answering(reply)('container', 'prune');
    assert.deepEqual([asked.code, asked.out], [0, 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ']);
  }
  assert.deepEqual(left(), ['done', 'fresh', 'kept', 'up']);
  const filtered = await cli('container', 'prune', '-f', '--filter', 'label=group=a');
  assert.deepEqual([filtered.code, filtered.out], [0, `Deleted Containers:\n${runtime.calls.filter((c) => c.method === 'remove').map((c) => `${String(c.args[0])}\n`).join('')}\nTotal reclaimed space: 0B\n`]);
  assert.deepEqual(left(), ['fresh', 'kept', 'up'], 'the running one with the label stays');
  const yes = await answering('y\n')('container', 'prune');
  assert.match(yes.out, /\[y\/N\] Deleted Containers:\n[0-9a-f]{64}\n[0-9a-f]{64}\n\nTotal reclaimed space: 0B\n$/);
  assert.deepEqual(left(), ['up']);
  assert.equal((await cli('container', 'prune', '-f')).out, 'Total reclaimed space: 0B\n');
  // docker's management form: container ls is ps, container rm is rm, …; anything else is refused.
  assert.deepEqual(await cli('container', 'ls', '-a'), await cli('ps', '-a'));
  assert.equal((await cli('container', 'list', '-q')).out, (await cli('ps', '-q')).out);
  assert.equal((await cli('container', 'rm', '-f', 'up')).code, 0);
  assert.deepEqual(left(), []);
  const unknown = await cli('container', 'nope');
  assert.equal(unknown.code, 125);
  assert.match(unknown.err, /unknown command "nope" \(berth container knows: prune, ls, and the container commands/);
});

test('--cidfile gets the new id; an existing file is refused before anything is created; a failed create leaves no file', async (t) => {
  const { cli, runtime, dir } = await agent(t);
  const file = join(dir, 'web.cid');
  const created = await cli('create', '--cidfile', file, '--rootfs', '/r', 'true');
  assert.equal(created.code, 0, created.err);
  assert.equal(readFileSync(file, 'utf8'), created.out.trim());
  const again = await cli('run', '-d', '--cidfile', file, '--rootfs', '/r', 'true');
  assert.equal(again.code, 125);
  assert.match(again.err, /--cidfile .*web\.cid: the container ID file exists/);
  assert.equal(runtime.containers.size, 1);
  runtime.failCreate = new BerthError('INVALID_SPEC', 'cmd: no');
  const failed = await cli('run', '-d', '--cidfile', join(dir, 'other.cid'), '--rootfs', '/r', 'true');
  assert.equal(failed.code, 125);
  assert.equal(existsSync(join(dir, 'other.cid')), false);
});

test('update sends the limits in the spec vocabulary to each container; admission warnings go to stderr', async (t) => {
  const { cli, runtime } = await agent(t);
  await cli('create', '--name', 'a', '--rootfs', '/r');
  await cli('create', '--name', 'b', '--rootfs', '/r');
  const updated = await cli('update', '-m', '256m', '--memory-swap', '-1', '--cpus', '1.5', '-c', '512', '--cpuset-cpus', '0-1', '--pids-limit', '100', 'a', 'nope', 'b');
  assert.equal(updated.code, 125);
  assert.equal(updated.out, 'a\nb\n');
  assert.equal(updated.err, 'WARNING: w1\nberth: no such container: nope\nWARNING: w1\n');
  const limits = { memoryBytes: 256 << 20, memorySwapBytes: -1, cpus: 1.5, cpuShares: 512, cpusetCpus: '0-1', pidsLimit: 100 };
  assert.deepEqual(runtime.calls.filter((c) => c.method === 'update').map((c) => c.args), [['a', limits, 'user'], ['nope', limits, 'user'], ['b', limits, 'user']]);
  const none = await cli('update', 'a');
  assert.equal(none.code, 125);
  assert.match(none.err, /berth update: give at least one limit or a restart policy to change/);
  assert.match((await cli('update', '-m', 'lots', 'a')).err, /--memory/);
  assert.match((await cli('update', '--restart', 'sometimes', 'a')).err, /--restart: /);
  assert.equal(runtime.calls.filter((c) => c.method === 'update' || c.method === 'updateRestartPolicy').length, 3, 'nothing is sent for a bad command line');
  assert.equal((await cli('update', '--restart', 'on-failure:3', 'b')).code, 0);
  assert.deepEqual(runtime.calls.filter((c) => c.method === 'updateRestartPolicy').map((c) => c.args), [['b', { name: 'on-failure', maxRetries: 3 }]]);
  assert.equal(runtime.calls.filter((c) => c.method === 'update').length, 3, 'a restart policy alone changes no limits');
});

test('errors: unknown container → 125 with the agent\'s message; several names continue past a failure', async (t) => {
  const { cli } = await agent(t);
  await cli('create', '--name', 'a', '--rootfs', '/r');
  const r = await cli('kill', 'nope', 'a');
  assert.equal(r.code, 125);
  assert.equal(r.out, 'a\n');
  assert.equal(r.err, 'berth: no such container: nope\n');
  const i = await cli('inspect', 'a', 'nope');
  assert.equal(i.code, 125);
  assert.equal(JSON.parse(i.out).length, 1);
});

test('logs route stdout and stderr; exec streams and exits with the process\'s code', async (t) => {
  const { cli, runtime } = await agent(t);
  await cli('run', '-d', '--name', 'c', '--rootfs', '/r', '--', 'sleep', '9');
  runtime.logLines = [
    { stream: 'stdout', time: '2024-01-01T00:00:00Z', line: 'to out' },
    { stream: 'stderr', time: '2024-01-01T00:00:01Z', line: 'to err' },
  ];
  runtime.outputChunks = [{ stream: 'stdout', data: Buffer.from('to out\n') }, { stream: 'stderr', data: Buffer.from('to err\n') },
    { stream: 'stdout', data: Buffer.from('no newline') }];
  assert.deepEqual(await cli('logs', 'c'), { code: 0, out: 'to out\nno newline', err: 'to err\n' }, 'the bytes as written, streams apart');
  assert.deepEqual(await cli('logs', '-t', 'c'), { code: 0, out: '2024-01-01T00:00:00Z to out\n', err: '2024-01-01T00:00:01Z to err\n' });
  runtime.execOutput = { stdout: ['hello\n'], stderr: ['warn\n'], exitCode: 4 };
  assert.deepEqual(await cli('exec', '-e', 'A=1', 'c', 'sh', '-c', 'exit 4'), { code: 4, out: 'hello\n', err: 'warn\n' });
  assert.deepEqual(runtime.calls.at(-1)!.args, ['c', { cmd: ['sh', '-c', 'exit 4'], env: ['A=1'] }]);
});

test('agent error codes map to exit codes: 127 not found, 126 not executable', async (t) => {
  const { cli, runtime } = await agent(t);
  runtime.failCreate = new BerthError('COMMAND_NOT_FOUND', 'execvp /nope: No such file or directory');
  const r = await cli('run', '--rootfs', '/r', '--', '/nope');
  assert.equal(r.code, 127);
  assert.equal(r.err, 'berth: execvp /nope: No such file or directory\n');
  runtime.failCreate = new BerthError('COMMAND_NOT_EXECUTABLE', 'execvp /etc: Permission denied');
  assert.equal((await cli('run', '--rootfs', '/r', '--', '/etc')).code, 126);
});

test('usage errors and an unreachable agent exit 125; help exits 0', async (t) => {
  const { cli, dir } = await agent(t);
  const bad = await cli('run', '--bogus');
  assert.equal(bad.code, 125);
  assert.match(bad.err, /^berth: berth run: unknown flag: --bogus\nSee 'berth run --help'.\n$/);
  const unknown = await cli('frobnicate');
  assert.equal(unknown.code, 125);
  assert.equal(unknown.err, 'berth: unknown command "frobnicate"\nSee \'berth --help\'.\n', 'the bare command is not named twice');
  assert.equal((await cli('stop')).code, 125);
  const gone = await runCli(parseGlobal(['--host', join(dir, 'none.sock'), 'ps']), { stdin: Readable.from([]), stdout: new PassThrough(), stderr: collect(), env: {}, cwd: dir });
  assert.equal(gone, 125);
  const help = await cli('run', '--help');
  assert.equal(help.code, 0);
  assert.match(help.out, /Usage: berth run/);
  assert.match(help.out, /-m, --memory BYTES/);
  assert.match((await cli('help')).out, /Commands:\n  agent/);
  assert.match((await cli('help', 'ps')).out, /Usage: berth ps/);
});

function collect(): PassThrough { const s = new PassThrough(); s.resume(); return s; }

/** Collects writes synchronously, so the text is complete when the command returns. */
function sink(): Writable & { text: string } {
  const w = new Writable({ write(chunk, _enc, done) { w.text += String(chunk); done(); } }) as Writable & { text: string };
  w.text = '';
  return w;
}

test('the unreachable message names the address and suggests starting the agent', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
 const stderr = sink();
  const code = await runCli(parseGlobal(['ps']), { stdin: Readable.from([]), stdout: sink(), stderr, env: { BERTH_HOST: `unix://${dir}/x.sock` }, cwd: dir });
  assert.equal(code, 125);
  assert.equal(stderr.text, `berth: cannot reach the agent at unix://${dir}/x.sock (ENOENT); is \`berth agent\` running?\n`);
});

test('an agent that goes away in the middle of a call (a wait) is a lost connection, not an unreachable agent', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-'));
  const server = createServer((socket) => socket.once('data', () => socket.destroy())); // reads the request, then dies
  await new Promise<void>((resolve) => server.listen(join(dir, 'a.sock'), resolve));
  t.after(() => { server.close(); rmSync(dir, { recursive: true, force: true }); });
  const stderr = sink();
  const code = await runCli(parseGlobal(['wait', 'web']), { stdin: Readable.from([]), stdout: sink(), stderr, env: { BERTH_HOST: `unix://${dir}/a.sock` }, cwd: dir });
  assert.equal(code, 125);
  assert.equal(stderr.text, `berth: lost the connection to the agent at unix://${dir}/a.sock (ECONNRESET): did it stop or restart? Containers keep running without it\n`);
});

test('run and create explain docker\'s flags berth does not have: port publishing, entrypoint, gpus, runtime', async () => {
  for (const [command, flag, why] of [['run', '-p', /no bridge network/], ['create', '--entrypoint', /not an image: the whole command goes after --/],
    ['run', '--gpus', /--device, e.g. --device \/dev\/nvidia0, or allow them with --device-cgroup-rule/], ['create', '--runtime', /berth is the runtime/]] as const) {
    const stderr = sink();
    const code = await runCli(parseGlobal([command, flag, 'x', '--rootfs', '/', '--', 'true']), { stdin: Readable.from([]), stdout: sink(), stderr, env: {}, cwd: '/' });
    assert.equal(code, 125);
    assert.match(stderr.text, why);
  }
});

/** The CLI in a process of its own, where a pending promise with nothing left to wait on ends node (exit 13). */
function spawnCli(t: { after: (fn: () => void) => void }, socket: string, ...argv: string[]) {
  const repo = fileURLToPath(new URL('../../../', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', 'agent/main.ts', '--host', socket, ...argv], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { child.kill('SIGKILL'); });
  const io = { out: '', err: '' };
  child.stdout.on('data', (d) => { io.out += String(d); });
  child.stderr.on('data', (d) => { io.err += String(d); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  /** The exit code, or 'still running' after 10 s. */
  const exitCode = () => Promise.race([exited, new Promise<string>((resolve) => setTimeout(resolve, 10_000, 'still running').unref())]);
  return { child, io, exitCode };
}

const AGENT_GONE = /^berth: (cannot reach the agent at unix:\/\/.*; is `berth agent` running\?|lost the connection to the agent at unix:\/\/.*|the agent closed the connection before the end of the stream \(did it stop or restart\?\))\n$/;

test('live stats in its own process: the agent going away ends it with the unreachable error, not a silent exit', async (t) => {
  const { socket, app } = await agent(t);
  const stats = spawnCli(t, socket, 'stats');
  await waitFor('the first refresh', () => stats.io.out.includes('CONTAINER ID'), { timeoutMs: 20_000 });
  await app.close(); // the agent stops: its connections close, the socket goes
  assert.equal(await stats.exitCode(), 125, stats.io.err);
  assert.match(stats.io.err, AGENT_GONE);
});

test('events --filter event=die --format with docker\'s fields', async (t) => {
  const bus = new EventBus();
  const { cli } = await agent(t, bus);
  const id = 'b'.repeat(64);
  bus.emit('container.started', 'started web', { containerId: id, containerName: 'web' });
  bus.emit('container.exited', 'web exited with code 3', { containerId: id, containerName: 'web', data: { exitCode: 3 } });
  const r = await cli('events', '--filter', 'event=die', '--format', '{{.Action}} {{.Actor.Attributes.name}} {{.Actor.Attributes.exitCode}} {{.kind}}');
  assert.deepEqual(r, { code: 0, out: 'die web 3 container.exited\n', err: '' });
});

test('events -f in its own process: Ctrl-C ends it with 0; the agent going away is an error (125), not a quiet end', async (t) => {
  const bus = new EventBus();
  const { socket, app } = await agent(t, bus);
  const interrupted = spawnCli(t, socket, 'events', '-f', '--format', '{{.kind}}');
  const followed = spawnCli(t, socket, 'events', '-f');
  await waitFor('an event at both followers', () => {
    bus.emit('agent.started', 'hello');
    return interrupted.io.out.includes('agent.started\n') && followed.io.out.includes('agent.started: hello');
  }, { timeoutMs: 20_000, intervalMs: 200 });
  interrupted.child.kill('SIGINT');
  assert.equal(await interrupted.exitCode(), 0, interrupted.io.err);
  await app.close();
  assert.equal(await followed.exitCode(), 125, followed.io.err);
  assert.match(followed.io.err, AGENT_GONE);
});
