import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DetachKeys, parseDetachKeys } from '../../../agent/cli/ws-session.js';

const feed = (keys: DetachKeys, bytes: number[]) => {
  const r = keys.feed(Buffer.from(bytes));
  return { data: [...r.data], detach: r.detach };
};

test('^P ^Q detaches, the keys before it still sent; a ^P waits for the next key, in the same chunk or the next', () => {
  assert.deepEqual(feed(new DetachKeys([0x10, 0x11]), [0x61, 0x10, 0x11, 0x62]), { data: [0x61], detach: true });
  const split = new DetachKeys([0x10, 0x11]);
  assert.deepEqual(feed(split, [0x61, 0x10]), { data: [0x61], detach: false });
  assert.deepEqual(feed(split, [0x11]), { data: [], detach: true });
  const notQ = new DetachKeys([0x10, 0x11]);
  assert.deepEqual(feed(notQ, [0x10]), { data: [], detach: false });
  assert.deepEqual(feed(notQ, [0x63]), { data: [0x10, 0x63], detach: false }, 'a ^P not followed by ^Q goes through');
  assert.deepEqual(feed(new DetachKeys([0x10, 0x11]), [0x10, 0x10, 0x11]), { data: [0x10], detach: true });
  assert.deepEqual(feed(new DetachKeys([0x10, 0x11]), [0x11, 0x10, 0x61]), { data: [0x11, 0x10, 0x61], detach: false }, '^Q first is nothing');
});

test('--detach-keys: docker\'s spelling; a longer sequence; a bad key is an error naming the flag', () => {
  assert.deepEqual(parseDetachKeys('ctrl-p,ctrl-q', 'berth run'), [0x10, 0x11]);
  assert.deepEqual(parseDetachKeys('ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_,x', 'berth run'), [0, 27, 28, 29, 30, 31, 0x78]);
  assert.throws(() => parseDetachKeys('ctrl-p,alt-q', 'berth attach'), /--detach-keys: "alt-q" is not a key/);
  assert.throws(() => parseDetachKeys('', 'berth attach'), /--detach-keys: "" is not a key/);
  const abc = new DetachKeys([0x61, 0x62, 0x63]);
  assert.deepEqual(feed(abc, [0x61, 0x62, 0x61, 0x62]), { data: [0x61, 0x62], detach: false }, 'a b, then a b again held');
  assert.deepEqual(feed(abc, [0x63]), { data: [], detach: true });
});
