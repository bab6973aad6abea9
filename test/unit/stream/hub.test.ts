// Protocol tests of the stream hub over a real websocket on loopback, fed by an in-memory store.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import pino from 'pino';
import WebSocket from 'ws';
import { StreamHub } from '../../../agent/stream/index.js';
import { LIST_SNAPSHOT_SAMPLES } from '../../../agent/stream/index.js';
import { streamPlugin } from '../../../agent/api/plugins/stream.js';
import { EventBus } from '../../../agent/events/index.js';
import type { ContainerInfo, Runtime } from '../../../agent/runtime/types.js';
import { FakeStore, fakeHost, fakeSample } from '../../helpers/samples.js';
import { waitFor } from '../../helpers/wait.js';

const ID = 'a'.repeat(64);

function fakeContainer(id: string, name: string): ContainerInfo {
  return {
    id, name, status: 'running', pid: 42, shimPid: 41, createdAt: new Date(0).toISOString(), cgroup: `/berth/${id}`,
    stateDir: '/nonexistent',
    spec: { name, image: '/rootfs', labels: {}, resources: { cpus: 0.5, memoryBytes: 1 << 26, pidsLimit: 0 } } as any,
  };
}

function fakeRuntime(containers: ContainerInfo[]): Runtime {
  return {
    list: () => containers,
    get: (key: string) => {
      const c = containers.find((x) => x.id === key || x.name === key || x.id.startsWith(key));
      if (!c) throw new Error(`no such container ${key}`);
      return c;
    },
  } as unknown as Runtime;
}

async function setup(t: import('node:test').TestContext, limits = {}) {
  const store = new FakeStore();
  const events = new EventBus();
  const web = fakeContainer(ID, 'web');
  const runtime = fakeRuntime([web]);
  const hub = new StreamHub({ store, events, runtime, intervalMs: 1000, version: 'test', logger: pino({ level: 'silent' }), limits });
  hub.start();
  const app = Fastify();
  await app.register(streamPlugin, { hub, maxClientMessageBytes: 1024 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const sockets: WebSocket[] = [];
  t.after(async () => {
    for (const s of sockets) s.terminate();
    hub.stop();
    await app.close();
  });
  const connect = async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/v1/stream`);
    sockets.push(ws);
    const messages: any[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    await new Promise((res, rej) => { ws.once('open', res); ws.once('error', rej); });
    await waitFor('hello', () => messages.find((m) => m.type === 'hello'));
    return { ws, messages };
  };
  return { store, events, hub, connect, web };
}

test('a client gets hello, a snapshot per subscribed channel, then one tick per sample', async (t) => {
  const { store, connect } = await setup(t);
  store.push({ time: 1000, samples: [fakeSample(ID, 1000)], host: fakeHost(1000) });
  const { ws, messages } = await connect();
  ws.send(JSON.stringify({ type: 'subscribe', channels: ['host', 'containers'] }));
  await waitFor('subscribed', () => messages.find((m) => m.type === 'subscribed'));
  const snaps = messages.filter((m) => m.type === 'snapshot');
  assert.deepEqual(snaps.map((s) => s.channel), ['host', 'containers']);
  assert.equal(snaps[1].containers[0].name, 'web');
  assert.equal(snaps[1].samples[ID].length, 1, 'the containers snapshot carries the newest sample');
  assert.equal(snaps[0].history.length, 1);

  store.push({ time: 2000, samples: [fakeSample(ID, 2000)], host: fakeHost(2000) });
  store.push({ time: 3000, samples: [fakeSample(ID, 3000)], host: fakeHost(3000) });
  const ticks = await waitFor('two ticks', () => {
    const ts = messages.filter((m) => m.type === 'tick');
    return ts.length === 2 && ts;
  });
  assert.deepEqual(ticks.map((x) => x.time), [2000, 3000]);
  assert.equal(ticks[0].samples[0].id, ID);
  assert.equal(ticks[0].samples[0].cpuCores, 0.25);
  assert.equal(ticks[0].host.time, 2000);
});

test('a one-container subscription gets only that container, by name or id', async (t) => {
  const { store, connect } = await setup(t);
  const { ws, messages } = await connect();
  ws.send(JSON.stringify({ type: 'subscribe', channels: ['container:web'] }));
  await waitFor('snapshot', () => messages.find((m) => m.type === 'snapshot'));
  const snap = messages.find((m) => m.type === 'snapshot');
  assert.equal(snap.channel, `container:${ID}`, 'names are resolved to the full id');
  assert.equal(snap.container.id, ID);
  store.push({ time: 5000, samples: [fakeSample(ID, 5000), fakeSample('b'.repeat(64), 5000)], host: fakeHost(5000) });
  const tick = await waitFor('tick', () => messages.find((m) => m.type === 'tick'));
  assert.deepEqual(tick.samples.map((s: any) => s.id), [ID]);
  assert.equal(tick.host, undefined, 'no host figures without the host channel');
});

test('the containers snapshot carries each container\'s newest samples only; its own channel the whole history', async (t) => {
  const { store, connect } = await setup(t);
  const times = [1000, 2000, 3000, 4000, 5000];
  for (const time of times) store.push({ time, samples: [fakeSample(ID, time)], host: fakeHost(time) });
  const { ws, messages } = await connect();
  ws.send(JSON.stringify({ type: 'subscribe', channels: ['containers', 'container:web'] }));
  await waitFor('subscribed', () => messages.find((m) => m.type === 'subscribed'));
  const [list, one] = messages.filter((m) => m.type === 'snapshot');
  assert.deepEqual(list.samples[ID].map((s: any) => s.t), times.slice(-LIST_SNAPSHOT_SAMPLES));
  assert.deepEqual(one.history.map((s: any) => s.t), times);
});

test('malformed client messages get an error message and the connection stays usable', async (t) => {
  const { connect } = await setup(t);
  const { ws, messages } = await connect();
  ws.send('not json');
  ws.send(JSON.stringify({ type: 'subscribe', channels: ['nope'] }));
  ws.send(JSON.stringify({ type: 'launch' }));
  ws.send(JSON.stringify([1, 2]));
  const errors = await waitFor('four errors', () => {
    const e = messages.filter((m) => m.type === 'error');
    return e.length === 4 && e;
  });
  assert.match(errors[0].message, /not valid JSON/);
  assert.match(errors[1].message, /channels\[0\]/);
  assert.match(errors[2].message, /^type:/);
  assert.match(errors[3].message, /JSON object/);
  ws.send(JSON.stringify({ type: 'subscribe', channels: ['events'] }));
  await waitFor('the events snapshot after errors', () => messages.find((m) => m.type === 'snapshot' && m.channel === 'events'));
});

test('a client sending more than the message size limit is disconnected', async (t) => {
  const { connect } = await setup(t);
  const { ws } = await connect();
  const closed = new Promise<number>((res) => ws.once('close', (code) => res(code)));
  ws.send(JSON.stringify({ type: 'subscribe', channels: ['x'.repeat(4096)] }));
  assert.equal(await closed, 1009, 'closed with "message too big"');
});

test('policy and container events reach subscribers of the events and containers channels', async (t) => {
  const { events, connect } = await setup(t);
  const { ws, messages } = await connect();
  ws.send(JSON.stringify({ type: 'subscribe', channels: ['events', 'containers'] }));
  await waitFor('subscribed', () => messages.find((m) => m.type === 'subscribed'));
  events.emit('policy.denied', 'denied by memory-guard/memory-limit-required', { containerName: 'x' });
  events.emit('container.started', 'started', { containerId: ID, containerName: 'web' });
  await waitFor('both events and the container change', () =>
    messages.filter((m) => m.type === 'event').length === 2 && messages.find((m) => m.type === 'container'));
  const change = messages.find((m) => m.type === 'container');
  assert.equal(change.change, 'started');
  assert.equal(change.container.name, 'web');
  assert.equal(messages.filter((m) => m.type === 'event')[0].event.kind, 'policy.denied');
});

test('a policy restart waiting its delay reaches the containers channel as status restarting, with the restart count', async (t) => {
  const { events, connect, web } = await setup(t);
  const { ws, messages } = await connect();
  ws.send(JSON.stringify({ type: 'subscribe', channels: ['containers'] }));
  await waitFor('subscribed', () => messages.find((m) => m.type === 'subscribed'));
  Object.assign(web, { status: 'exited', exit: { exitCode: 1, oomKilled: false, finishedAt: new Date().toISOString() }, restartAt: new Date().toISOString(), restartCount: 2 });
  events.emit('container.restarting', 'restarting web in 400 ms', { containerId: ID, containerName: 'web' });
  const change = await waitFor('the change', () => messages.find((m) => m.type === 'container'));
  assert.deepEqual([change.change, change.container.status, change.container.exitCode, change.container.restartCount], ['restarting', 'restarting', 1, 2]);
});

test('a client that stops reading is cut off while another keeps getting every tick', async (t) => {
  const { store, hub, connect } = await setup(t, { maxBufferedBytes: 256 * 1024, maxOverLimitMs: 200 });
  const slow = await connect();
  const fast = await connect();
  for (const c of [slow, fast]) c.ws.send(JSON.stringify({ type: 'subscribe', channels: ['containers'] }));
  await waitFor('both subscribed', () => [slow, fast].every((c) => c.messages.find((m) => m.type === 'subscribed')));
  // Stop reading on the slow client: the kernel buffers fill, then the server's ws buffer grows.
  slow.ws.pause();
  const slowClosed = new Promise<void>((res) => slow.ws.once('close', () => res()));
  // ~1 MB per tick: 4000 containers' samples.
  const ids = Array.from({ length: 4000 }, (_, i) => i.toString(16).padStart(64, '0'));
  let sent = 0;
  const deadline = Date.now() + 20_000;
  while (hub.stats().disconnectedSlow === 0 && Date.now() < deadline) {
    sent++;
    store.push({ time: sent, samples: ids.map((id) => fakeSample(id, sent)), host: fakeHost(sent) });
    // Let the fast client's socket drain between ticks, as real 1 Hz ticks would.
    await waitFor(`fast client tick ${sent}`, () => fast.messages.filter((m) => m.type === 'tick').length === sent);
  }
  assert.equal(hub.stats().disconnectedSlow, 1, 'the stuck client was disconnected');
  assert.equal(hub.stats().clients, 1);
  slow.ws.resume(); // a paused socket only notices the close once it reads again
  await slowClosed;
  const ticks = fast.messages.filter((m) => m.type === 'tick').map((m) => m.time);
  assert.deepEqual(ticks, Array.from({ length: sent }, (_, i) => i + 1), 'the fast client got every tick, in order');
  const slowTicks = slow.messages.filter((m) => m.type === 'tick').length;
  assert.ok(slowTicks < sent, `the stuck client got fewer ticks (${slowTicks}) than were sent (${sent})`);
});
