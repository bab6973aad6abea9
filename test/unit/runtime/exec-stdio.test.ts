import { once } from 'node:events';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import pino from 'pino';
import { waitFor } from '../../helpers/wait.js';
import type { BerthError } from '../../../agent/errors.js';
import { ExecStdioServer } from '../../../agent/runtime/exec-stdio.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-exec-stdio-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const logger = pino({ level: 'silent' });

function dial(path: string, hello: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path, () => { socket.write(hello); resolve(socket); });
    socket.once('error', reject);
  });
}

function text(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    let all = '';
    stream.setEncoding('utf8').on('data', (c: string) => { all += c; }).on('end', () => resolve(all));
  });
}

function closedBy(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

test('each connection names its exec and stream; the bytes after the hello line are that stream', async () => {
  const server = new ExecStdioServer(join(dir, 'a.sock'), logger);
  const output = await server.expect('exec-1');
  const out = await dial(server.path, 'exec-1 stdout\nfirst ');
  const err = await dial(server.path, 'exec-1 stderr\n');
  const [stdout, stderr] = [text(output.stdout), text(output.stderr)];
  out.end('second\n');
  err.end('oops\n');
  await output.closed;
  output.stdout.end(); // the exec ends its streams (it may add a failure to stderr first)
  output.stderr.end();
  assert.equal(await stdout, 'first second\n');
  assert.equal(await stderr, 'oops\n');
  await server.close();
  assert.equal(existsSync(server.path), false);
});

test('a connection for no expected exec, for an unknown stream, or for a stream already connected is closed', async () => {
  const server = new ExecStdioServer(join(dir, 'b.sock'), logger);
  const output = await server.expect('exec-2');
  for (const hello of ['exec-x stdout\n', 'exec-2 stdnone\n', `${'x'.repeat(200)}`]) {
    const s = await dial(server.path, hello);
    await closedBy(s);
  }
  let got = '';
  output.stdout.setEncoding('utf8').on('data', (c: string) => { got += c; });
  const first = await dial(server.path, 'exec-2 stdout\ngen');
  await waitFor('the first connection to be attached', () => got === 'gen'); // before the second one comes
  const second = await dial(server.path, 'exec-2 stdout\nintruder');
  await closedBy(second);
  first.end('uine');
  await closedBy(first);
  assert.equal(got, 'genuine');
  server.forget('exec-2');
  const late = await dial(server.path, 'exec-2 stderr\n');
  await closedBy(late);
  await server.close();
});

test('close ends the connections of execs still running, so an agent that stops never waits for them', async () => {
  const server = new ExecStdioServer(join(dir, 'e.sock'), logger);
  const output = await server.expect('exec-5');
  const out = await dial(server.path, 'exec-5 stdout\nx');
  const err = await dial(server.path, 'exec-5 stderr\ny');
  // Both accepted and attached: their first bytes arrived.
  await Promise.all([once(output.stdout, 'data'), once(output.stderr, 'data')]);
  const clientsClosed = [closedBy(out), closedBy(err)]; // before close(): they may close while it runs
  await server.close();
  await Promise.all([...clientsClosed, output.closed]);
});

test('cancel ends the wait for connections that will never come', async () => {
  const server = new ExecStdioServer(join(dir, 'c.sock'), logger);
  const output = await server.expect('exec-3');
  output.cancel();
  await output.closed;
  await server.close();
});

test('a stale socket file (an agent that crashed) is replaced; a path too long for a socket is refused at once', async () => {
  const path = join(dir, 'd.sock');
  const crashed = new ExecStdioServer(path, logger);
  await crashed.expect('x');
  const fresh = new ExecStdioServer(path, logger); // the old server still listens: its file is simply replaced
  const output = await fresh.expect('exec-4');
  const out = await dial(path, 'exec-4 stdout\n');
  const err = await dial(path, 'exec-4 stderr\n');
  out.end('ok');
  err.end();
  await output.closed;
  await fresh.close();
  await crashed.close();
  assert.throws(() => new ExecStdioServer(join(dir, 'y'.repeat(120), 'exec.sock'), logger), (err: BerthError) =>
    err.code === 'INVALID_CONFIG' && /exec output socket .*: longer than 107 bytes .*use a shorter --state-dir/.test(err.message));
});
