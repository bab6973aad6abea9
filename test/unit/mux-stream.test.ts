import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MUX_ERROR, MUX_STDERR, MUX_STDOUT, MuxReader, muxFrames } from '../../agent/mux-stream.js';

test('frames read back whatever pieces the bytes arrive in', () => {
  const stream = Buffer.concat([muxFrames(MUX_STDOUT, Buffer.from('out\n')), muxFrames(MUX_STDERR, Buffer.alloc(0)),
    muxFrames(MUX_STDERR, Buffer.from([0xff, 0xfe])), muxFrames(MUX_ERROR, Buffer.from('{"error":{}}'))]);
  assert.deepEqual([...stream.subarray(0, 8)], [1, 0, 0, 0, 0, 0, 0, 4], "docker's header: type, three zeros, big-endian length");
  const whole = new MuxReader().push(stream).map((f) => [f.type, f.data.toString('latin1')]);
  assert.deepEqual(whole, [[1, 'out\n'], [2, ''], [2, '\xff\xfe'], [3, '{"error":{}}']]);
  for (const size of [1, 3, 7, 9]) {
    const reader = new MuxReader();
    const got: (number | string)[][] = [];
    for (let at = 0; at < stream.length; at += size) got.push(...reader.push(stream.subarray(at, at + size)).map((f) => [f.type, f.data.toString('latin1')]));
    assert.deepEqual(got, whole, `pieces of ${size}`);
    assert.equal(reader.leftover, 0);
  }
  const cut = new MuxReader();
  assert.equal(cut.push(stream.subarray(0, 14)).length, 1, 'the first frame is 12 bytes');
  assert.equal(cut.leftover, 2, 'a frame the stream ended in is kept, not returned');
});

test('an unknown frame type is an error naming it', () => {
  assert.throws(() => new MuxReader().push(Buffer.from([9, 0, 0, 0, 0, 0, 0, 0])), /unknown frame type 9 at byte 0/);
});
