import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetachKeys } from '../../../agent/cli/ws-session.js';

const feed = (keys: DetachKeys, bytes: number[]) => {
  const r = keys.feed(Buffer.from(bytes));
  return { data: [...r.data], detach: r.detach };
};

test('^P ^Q detaches, the keys before it still sent; a ^P waits for the next key, in the same chunk or the next', () => {
  assert.deepEqual(feed(new DetachKeys(), [0x61, 0x10, 0x11, 0x62]), { data: [0x61], detach: true });
  const split = new DetachKeys();
  assert.deepEqual(feed(split, [0x61, 0x10]), { data: [0x61], detach: false });
  assert.deepEqual(feed(split, [0x11]), { data: [], detach: true });
  const notQ = new DetachKeys();
  assert.deepEqual(feed(notQ, [0x10]), { data: [], detach: false });
  assert.deepEqual(feed(notQ, [0x63]), { data: [0x10, 0x63], detach: false }, 'a ^P not followed by ^Q goes through');
  assert.deepEqual(feed(new DetachKeys(), [0x10, 0x10, 0x11]), { data: [0x10], detach: true });
  assert.deepEqual(feed(new DetachKeys(), [0x11, 0x10, 0x61]), { data: [0x11, 0x10, 0x61], detach: false }, '^Q first is nothing');
});
