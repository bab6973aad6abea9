import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildServer } from '../../../agent/api/index.js';
import { toIsoTime } from '../../../agent/api/query-time.js';
import { MuxReader } from '../../../agent/mux-stream.js';
import { FakeRuntime, fakeDeps } from './fake-runtime.js';

async function withContainer(t: { after: (fn: () => Promise<void>) => void }, start = true) {
  const runtime = new FakeRuntime();
  const app = buildServer(fakeDeps(runtime));
  t.after(() => app.close());
  const { id } = (await app.inject({ method: 'POST', url: '/v1/containers', payload: { rootfs: '/r', name: 'c', start } })).json();
  return { app, runtime, id: id as string };
}

test('logs: text lines, with timestamps, and NDJSON LogLines with ?format=json', async (t) => {
  const { app, runtime } = await withContainer(t);
  runtime.logLines = [
    { stream: 'stdout', time: '2024-01-01T00:00:01.000000001Z', line: 'one' },
    { stream: 'stderr', time: '2024-01-01T00:00:02.000000002Z', line: 'two' },
  ];
  const plain = await app.inject({ url: '/v1/containers/c/logs' });
  assert.equal(plain.statusCode, 200);
  assert.match(String(plain.headers['content-type']), /^text\/plain/);
  assert.equal(plain.body, 'one\ntwo\n');
  assert.equal((await app.inject({ url: '/v1/containers/c/logs?timestamps=true&tail=1' })).body, '2024-01-01T00:00:02.000000002Z two\n');
  const json = await app.inject({ url: '/v1/containers/c/logs?format=json' });
  assert.equal(json.headers['content-type'], 'application/x-ndjson');
  assert.deepEqual(json.body.trim().split('\n').map((l) => JSON.parse(l)), runtime.logLines);
  const { signal, ...opts } = runtime.calls.filter((c) => c.method === 'logs').at(-1)!.args[1] as { signal: AbortSignal };
  assert.deepEqual(opts, { follow: undefined, tail: undefined, since: undefined, until: undefined, stdout: undefined, stderr: undefined, timestamps: undefined });
  assert.equal(signal.aborted, true, 'the response is over: a follow would end');
  await app.inject({ url: '/v1/containers/c/logs?since=1714564800&until=2024-05-01T13:00:00%2B01:00' });
  const bounded = runtime.calls.filter((c) => c.method === 'logs').at(-1)!.args[1] as { since: string; until: string };
  assert.deepEqual([bounded.since, bounded.until], ['2024-05-01T12:00:00.000Z', '2024-05-01T12:00:00.000Z']);
});

/** The frames of docker's multiplexed stream, as [type, payload]. */
function frames(body: Buffer): [number, Buffer][] {
  const out: [number, Buffer][] = [];
  const reader = new MuxReader();
  for (const f of reader.push(body)) out.push([f.type, f.data]);
  assert.equal(reader.leftover, 0, 'the stream ends on a frame boundary');
  return out;
}

test('logs ?format=raw: the bytes as written in docker\'s multiplexed frames; line options go through the lines', async (t) => {
  const { app, runtime } = await withContainer(t);
  const binary = Buffer.from([0xff, 0x00, 0x80, 0x0a]);
  const big = Buffer.alloc(150_000, 0x61);
  runtime.outputChunks = [{ stream: 'stdout', data: binary }, { stream: 'stderr', data: Buffer.from('err\n') }, { stream: 'stdout', data: big }];
  const raw = await app.inject({ url: '/v1/containers/c/logs?format=raw&follow=true' });
  assert.equal(raw.headers['content-type'], 'application/vnd.docker.multiplexed-stream');
  const got = frames(raw.rawPayload);
  assert.deepEqual(got.slice(0, 2), [[1, binary], [2, Buffer.from('err\n')]], 'bytes that are not UTF-8 stay as they are');
  assert.deepEqual(got.slice(2).map(([type, d]) => [type, d.length]), [[1, 65536], [1, 65536], [1, 150_000 - 131072]], 'big output in frames of at most 64 KiB');
  assert.ok(Buffer.concat(got.slice(2).map(([, d]) => d)).equals(big));
  const { signal, ...outputOpts } = runtime.calls.filter((c) => c.method === 'output').at(-1)!.args[1] as { signal: AbortSignal };
  assert.deepEqual(outputOpts, { fromStart: true, follow: true });
  assert.ok(signal instanceof AbortSignal);
  assert.deepEqual(frames((await app.inject({ url: '/v1/containers/c/logs?format=raw&stdout=false' })).rawPayload), [[2, Buffer.from('err\n')]]);

  runtime.logLines = [
    { stream: 'stdout', time: '2024-01-01T00:00:01.000000001Z', line: 'one' },
    { stream: 'stdout', time: '2024-01-01T00:00:02.000000002Z', line: 'two' },
    { stream: 'stderr', time: '2024-01-01T00:00:03.000000003Z', line: 'three' },
  ];
  const outputCalls = runtime.calls.filter((c) => c.method === 'output').length;
  assert.deepEqual(frames((await app.inject({ url: '/v1/containers/c/logs?format=raw&timestamps=true&tail=3' })).rawPayload), [
    [1, Buffer.from('2024-01-01T00:00:01.000000001Z one\n2024-01-01T00:00:02.000000002Z two\n')],
    [2, Buffer.from('2024-01-01T00:00:03.000000003Z three\n')],
  ]);
  assert.equal(runtime.calls.filter((c) => c.method === 'output').length, outputCalls, 'tail and timestamps read lines');
});

test('logs: an unknown container is a 404 before any streaming; a bad since is a 400', async (t) => {
  const { app } = await withContainer(t);
  assert.equal((await app.inject({ url: '/v1/containers/zzz/logs' })).statusCode, 404);
  const bad = await app.inject({ url: '/v1/containers/c/logs?since=yesterday' });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.details.field, 'since');
});

test('since and until accept durations, unix seconds and RFC 3339, fixed when the request arrives', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');
  assert.equal(toIsoTime('10m', 'since', now), '2024-05-01T11:50:00.000Z');
  assert.equal(toIsoTime('1.5h', 'since', now), '2024-05-01T10:30:00.000Z');
  assert.equal(toIsoTime('1d', 'until', now), '2024-04-30T12:00:00.000Z');
  assert.equal(toIsoTime('1714564800', 'since', now), '2024-05-01T12:00:00.000Z');
  assert.equal(toIsoTime('2024-05-01T13:00:00+01:00', 'until', now), '2024-05-01T12:00:00.000Z');
  assert.equal(toIsoTime(undefined, 'since', now), undefined);
  assert.throws(() => toIsoTime('10 minutes', 'since', now), /since "10 minutes"/);
  assert.throws(() => toIsoTime('soon', 'until', now), (e: any) => e.details.field === 'until' && /until "soon"/.test(e.message));
});

test('exec streams stdout/stderr frames then the exit frame; multi-byte characters are not split', async (t) => {
  const { app, runtime } = await withContainer(t);
  const euro = Buffer.from('€');
  runtime.execOutput = { stdout: [Buffer.concat([Buffer.from('a'), euro.subarray(0, 1)]) as unknown as string, euro.subarray(1) as unknown as string], stderr: ['oops\n'], exitCode: 7 };
  const res = await app.inject({ method: 'POST', url: '/v1/containers/c/exec', payload: { cmd: ['sh', '-c', 'x'], env: ['A=1'] } });
  assert.equal(res.statusCode, 200);
  const frames = res.body.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(frames.at(-1), { exitCode: 7 });
  const text = (s: string) => frames.filter((f) => f.stream === s).map((f) => f.data).join('');
  assert.equal(text('stdout'), 'a€');
  assert.equal(text('stderr'), 'oops\n');
  assert.deepEqual(runtime.calls.at(-1), { method: 'exec', args: ['c', { cmd: ['sh', '-c', 'x'], env: ['A=1'] }] });
});

test('exec with "encoding": "base64" sends the bytes as they came, chunk boundaries and invalid UTF-8 included', async (t) => {
  const { app, runtime } = await withContainer(t);
  const bytes = Buffer.from([0xff, 0x00, 0xfe, 0x41, 0xc3, 0x28, 0x80]);
  runtime.execOutput = { stdout: [bytes.subarray(0, 1), bytes.subarray(1, 5), bytes.subarray(5)] as unknown as string[], stderr: [], exitCode: 0 };
  const res = await app.inject({ method: 'POST', url: '/v1/containers/c/exec', payload: { cmd: ['cat', '/x'], encoding: 'base64' } });
  assert.equal(res.statusCode, 200);
  const frames = res.body.trim().split('\n').map((l) => JSON.parse(l));
  const out = Buffer.concat(frames.filter((f) => f.stream === 'stdout').map((f) => Buffer.from(f.data, 'base64')));
  assert.ok(out.equals(bytes), out.toString('hex'));
  assert.deepEqual(runtime.calls.at(-1), { method: 'exec', args: ['c', { cmd: ['cat', '/x'] }] }, 'the encoding is not an exec option');
  const bad = await app.inject({ method: 'POST', url: '/v1/containers/c/exec', payload: { cmd: ['ls'], encoding: 'hex' } });
  assert.equal(bad.statusCode, 400);
  assert.equal(bad.json().error.details.field, 'encoding');
});

test('exec: body errors name the field and are not coerced; a stopped container is a 409 JSON error', async (t) => {
  const { app } = await withContainer(t, false);
  const empty = await app.inject({ method: 'POST', url: '/v1/containers/c/exec', payload: { cmd: [] } });
  assert.equal(empty.statusCode, 400);
  assert.equal(empty.json().error.details.field, 'cmd');
  const str = await app.inject({ method: 'POST', url: '/v1/containers/c/exec', payload: { cmd: 'ls' } });
  assert.equal(str.statusCode, 400);
  assert.match(str.json().error.message, /cmd must be array/);
  const big = await app.inject({ method: 'POST', url: '/v1/containers/c/exec', payload: { cmd: ['sh'], tty: true, consoleSize: { rows: 70000, cols: 80 } } });
  assert.equal(big.statusCode, 400);
  assert.equal(big.json().error.details.field, 'consoleSize.rows');
  const half = await app.inject({ method: 'POST', url: '/v1/containers/c/exec', payload: { cmd: ['sh'], tty: true, consoleSize: { rows: 24 } } });
  assert.equal(half.json().error.message, 'body: missing field consoleSize.cols');
  const stopped = await app.inject({ method: 'POST', url: '/v1/containers/c/exec', payload: { cmd: ['ls'] } });
  assert.equal(stopped.statusCode, 409);
  assert.equal(stopped.json().error.code, 'INVALID_STATE');
});
