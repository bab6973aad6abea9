import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleIoLimits } from '../../../agent/runtime/bundle-io.js';
import type { BerthError } from '../../../agent/errors.js';

/** A /proc whose partitions list the block devices given as "major:minor" → name. */
function procWith(t: { after(fn: () => void): void }, devices: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'berth-proc-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const lines = Object.entries(devices).map(([numbers, name]) => ` ${numbers.replace(':', ' ')} 1048576 ${name}`);
  writeFileSync(join(root, 'partitions'), `major minor  #blocks  name\n\n${lines.join('\n')}\n`);
  return root;
}

test('one limit per device with its rates from every list; the last entry of a device in a list wins', (t) => {
  const proc = procWith(t, { '8:0': 'sda', '259:1': 'nvme0n1p1' });
  const limits = bundleIoLimits({
    throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }, { major: 259, minor: 1, rate: 10 }, { major: 8, minor: 0, rate: 2097152 }],
    throttleWriteIOPSDevice: [{ major: 8, minor: 0, rate: 100 }],
  }, 'b/config.json', proc);
  assert.deepEqual(limits, [{ path: '/dev/sda', readBps: 2097152, writeIops: 100 }, { path: '/dev/nvme0n1p1', readBps: 10 }]);
  assert.deepEqual(bundleIoLimits({ weight: 300 }, 'b/config.json', proc), []);
  assert.deepEqual(bundleIoLimits(undefined, 'b/config.json', proc), []);
});

test('a device this host does not have is refused, naming the entry and the file', (t) => {
  const proc = procWith(t, { '8:0': 'sda' });
  assert.throws(() => bundleIoLimits({ throttleWriteBpsDevice: [{ major: 8, minor: 0, rate: 1 }, { major: 8, minor: 16, rate: 1 }] }, 'b/config.json', proc),
    (err: BerthError) => err.code === 'INVALID_SPEC' && err.details?.field === 'linux.resources.blockIO.throttleWriteBpsDevice[1]'
      && err.message === 'b/config.json: linux.resources.blockIO.throttleWriteBpsDevice[1]: no block device 8:16 on this host');
});
