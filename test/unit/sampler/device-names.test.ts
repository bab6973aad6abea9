import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePartitions } from '../../../agent/runtime/block-devices.js';
import { DeviceNames } from '../../../agent/sampler/device-names.js';
import type { IoDevice } from '../../../agent/cgroups/types.js';

const device = (major: number, minor: number): IoDevice => ({ major, minor, name: '', readBytes: 0, writeBytes: 0, reads: 0, writes: 0 });

test('parsePartitions maps major:minor to /dev/<name> and skips the header', () => {
  const names = parsePartitions('major minor  #blocks  name\n\n 254        0  268435456 vda\n 259        1     512000 nvme0n1p1\n');
  assert.deepEqual([...names], [['254:0', '/dev/vda'], ['259:1', '/dev/nvme0n1p1']]);
});

test('device names: read once, read again for a new device at most once per tick, numbers for a device with no name', (t) => {
  const proc = mkdtempSync(join(tmpdir(), 'berth-partitions-'));
  t.after(() => rmSync(proc, { recursive: true, force: true }));
  const partitions = join(proc, 'partitions');
  writeFileSync(partitions, 'major minor  #blocks  name\n\n   8        0  100 sda\n');
  const names = new DeviceNames(proc);

  const first = [device(8, 0), device(7, 3)];
  names.nameAll(first, 1);
  assert.deepEqual(first.map((d) => d.name), ['/dev/sda', '7:3']);

  // loop3 appears: a later tick reads the file again; the same tick does not.
  writeFileSync(partitions, 'major minor  #blocks  name\n\n   8        0  100 sda\n   7        3  100 loop3\n');
  const sameTick = [device(7, 3)];
  names.nameAll(sameTick, 1);
  assert.equal(sameTick[0].name, '7:3');
  const nextTick = [device(7, 3)];
  names.nameAll(nextTick, 2);
  assert.equal(nextTick[0].name, '/dev/loop3');

  // Named devices are left as they are (a read that kept the previous array).
  const named = [{ ...device(8, 0), name: '/dev/kept' }];
  names.nameAll(named, 3);
  assert.equal(named[0].name, '/dev/kept');

  rmSync(partitions);
  const gone = [device(9, 9)];
  names.nameAll(gone, 4);
  assert.equal(gone[0].name, '9:9', 'no /proc/partitions: the numbers');
});
