// Backpressure rules of one stream client, with a socket whose send buffer the test controls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { StreamClient, DEFAULT_LIMITS } from '../../../agent/stream/client.js';

class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  sent: string[] = [];
  pings = 0;
  send(frame: string) { this.sent.push(frame); }
  ping() { this.pings++; }
}

function client(limits = {}) {
  const socket = new FakeSocket();
  let now = 0;
  const c = new StreamClient(socket as unknown as WebSocket, { ...DEFAULT_LIMITS, maxBufferedBytes: 100, maxQueuedEvents: 3, ...limits }, () => now);
  return { c, socket, advance: (ms: number) => { now += ms; } };
}

test('ticks held while congested are merged: only the newest goes out once drained', () => {
  const { c, socket } = client();
  c.sendTick('t1');
  socket.bufferedAmount = 1000;
  c.sendTick('t2');
  c.sendTick('t3');
  c.sendTick('t4');
  assert.deepEqual(socket.sent, ['t1']);
  assert.equal(c.dropped, 2);
  socket.bufferedAmount = 0;
  c.sendTick('t5');
  assert.deepEqual(socket.sent, ['t1', 't4', 't5']);
});

test('events are queued while congested and sent in order after the drain', () => {
  const { c, socket } = client();
  socket.bufferedAmount = 1000;
  c.sendEvent('e1');
  c.sendEvent('e2');
  socket.bufferedAmount = 0;
  c.sendEvent('e3');
  assert.deepEqual(socket.sent, ['e1', 'e2', 'e3']);
});

test('an event queue overflow asks for a resync instead of growing', () => {
  const { c, socket } = client();
  socket.bufferedAmount = 1000;
  for (const e of ['e1', 'e2', 'e3', 'e4']) c.sendEvent(e);
  assert.equal(c.needsResync, true);
  socket.bufferedAmount = 0;
  assert.equal(c.flush(), false, 'not clear until the hub has resynced');
  assert.deepEqual(socket.sent, []);
});

test('a client congested longer than the limit is over the limit', () => {
  const { c, socket, advance } = client({ maxOverLimitMs: 500 });
  socket.bufferedAmount = 1000;
  c.sendTick('t');
  advance(400);
  assert.equal(c.overLimit(), false);
  advance(200);
  assert.equal(c.overLimit(), true);
  socket.bufferedAmount = 0;
  c.flush();
  assert.equal(c.overLimit(), false, 'draining clears the clock');
});

test('a missed pong fails the next heartbeat', () => {
  const { c, socket } = client();
  assert.equal(c.heartbeat(), true);
  assert.equal(socket.pings, 1);
  assert.equal(c.heartbeat(), false, 'no pong since the last ping');
  socket.emit('pong');
  assert.equal(c.heartbeat(), true);
});
