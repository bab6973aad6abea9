// A container launched with stdin and/or a tty: its monitor serves `<state dir>/attach.sock`
// (stdin bytes, terminal sizes, the end of stdin) and logs what the container writes as it comes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LaunchPlan } from '../../../agent/runtime/plan-types.js';
import { AttachConnection } from '../../../agent/runtime/attach-socket.js';
import { busyboxAvailable, busyboxRootfs } from '../../helpers/rootfs.js';
import { waitFor } from '../../helpers/wait.js';
import { buildShim, dockerLikePlan, isRoot, readLog, Scratch, shimCreate, startContainer, stdoutText, TestCgroup, waitExit } from './harness.js';

const skip = !isRoot() || !busyboxAvailable() ? 'needs root and busybox-static' : false;
let scratch: Scratch;
let cgroup: TestCgroup;

before(() => { if (skip) return; buildShim(); scratch = new Scratch(); cgroup = new TestCgroup(); });
after(async () => { await scratch?.cleanup(); await cgroup?.remove(); });

async function launched(args: string[], over: Partial<LaunchPlan>, dirName = `a${Math.random().toString(36).slice(2)}`): Promise<LaunchPlan> {
  const p = { ...dockerLikePlan(busyboxRootfs(), scratch.stateDir(dirName), args, [cgroup.procsFile]), ...over };
  const { lines } = await shimCreate(p);
  assert.equal(lines.at(-1), 'created', lines.join(' | '));
  return p;
}

const logged = (p: LaunchPlan, text: string) => waitFor(`${JSON.stringify(text)} in the log`, () => stdoutText(p).includes(text))
  .catch((err: Error) => { throw new Error(`${err.message}; it holds ${JSON.stringify(stdoutText(p))}`); });

test('with a tty and stdin: an interactive shell on a terminal of the size asked for, its prompt logged before its line ends', { skip }, async () => {
  const p = await launched(['sh'], { tty: { rows: 20, cols: 60 }, stdin: true });
  assert.equal(statSync(join(p.stateDir, 'attach.sock')).mode & 0o777, 0o600, 'only root may type into the container');
  const client = await AttachConnection.connect(p.stateDir); // before the start: nothing is missed
  startContainer(p.startFifo);
  await logged(p, '/ # '); // a prompt, with no newline after it
  await client.write(Buffer.from('stty size; tty; echo "sid=$(cut -d" " -f6 /proc/$$/stat)"; stat -c "console=%t,%T" /dev/console /dev/pts/0\n'));
  await logged(p, 'console=88,0\r\nconsole=88,0'); // the same device: 136,0 (hex)
  await client.write(Buffer.from('exit 7\n'));
  assert.equal((await waitExit(p)).exitCode, 7);
  client.close();
  const out = stdoutText(p);
  assert.match(out, /\r\n20 60\r\n\/dev\/pts\/0\r\nsid=1\r\n/); // init is its terminal's session leader
  assert.ok(readLog(p).every((l) => l.stream === 'stdout'), 'a terminal has one stream');
  assert.equal(existsSync(join(p.stateDir, 'attach.sock')), false, 'the socket goes before the exit file comes');
});

test('with a tty only: a size message reaches the container as SIGWINCH and its new size', { skip }, async () => {
  const p = await launched(['sh', '-c', 'trap "stty size; exit 3" WINCH; echo ready; sleep 100 & wait'], { tty: { rows: 0, cols: 0 } });
  startContainer(p.startFifo);
  await logged(p, 'ready');
  const client = await AttachConnection.connect(p.stateDir);
  await client.resize({ rows: 40, cols: 100 });
  assert.equal((await waitExit(p)).exitCode, 3);
  client.close();
  assert.match(stdoutText(p), /ready\r\n40 100\r\n$/);
});

test('with stdin, no tty: a detach leaves stdin open for the next client; its end is the container\'s EOF', { skip }, async () => {
  const p = await launched(['sh', '-c', 'read first; echo "first=$first"; cat; echo eof'], { stdin: true });
  const first = await AttachConnection.connect(p.stateDir);
  startContainer(p.startFifo);
  await first.write(Buffer.from('one\ntwo '));
  await logged(p, 'first=one');
  first.close(); // a detach
  const second = await AttachConnection.connect(p.stateDir);
  await second.write(Buffer.from('three\n'));
  await second.end();
  assert.equal((await waitExit(p)).exitCode, 0);
  second.close();
  assert.equal(stdoutText(p), 'first=one\ntwo three\neof\n');
});

test('with stdin: 4 MiB through a container that reads slowly all arrive (the monitor holds clients back, never blocks)', { skip }, async () => {
  const p = await launched(['sh', '-c', 'sleep 0.2; wc -c'], { stdin: true });
  startContainer(p.startFifo);
  const client = await AttachConnection.connect(p.stateDir);
  const chunk = Buffer.alloc(1 << 16, 'z');
  for (let i = 0; i < 64; i++) await client.write(chunk);
  await client.end();
  assert.equal((await waitExit(p)).exitCode, 0);
  client.close();
  assert.equal(stdoutText(p).trim(), String(64 << 16));
});

test('a state dir longer than a socket path can be still has its attach socket; a container without stdin or tty has none', { skip }, async () => {
  const p = await launched(['sh', '-c', 'read x; echo "x=$x"'], { stdin: true }, `long-${'d'.repeat(120)}`);
  assert.ok(join(p.stateDir, 'attach.sock').length > 108);
  const client = await AttachConnection.connect(p.stateDir);
  startContainer(p.startFifo);
  await client.write(Buffer.from('yes\n'));
  assert.equal((await waitExit(p)).exitCode, 0);
  client.close();
  assert.equal(stdoutText(p), 'x=yes\n');
  const plain = await launched(['true'], {});
  assert.equal(existsSync(join(plain.stateDir, 'attach.sock')), false);
  await assert.rejects(AttachConnection.connect(plain.stateDir), /attach .*attach\.sock: ENOENT/);
  startContainer(plain.startFifo);
  await waitExit(plain);
});
