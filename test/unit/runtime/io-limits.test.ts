// --device-{read,write}-{bps,iops}: validation, resolution, device numbers for the cgroup manager.
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { ioThrottles, resolveIoLimits, validateIoLimits } from '../../../agent/runtime/io-limits.js';
import { assertInvalid } from './spec-helpers.js';

/** A block device of this host (loop devices exist on the machines berth's tests run on). */
function blockDevice(): { path: string; major: number; minor: number } {
  const name = readdirSync('/dev').sort().find((n) => { try { return statSync(`/dev/${n}`).isBlockDevice(); } catch { return false; } });
  assert.ok(name, 'this test needs a block device in /dev');
  const rdev = statSync(`/dev/${name}`).rdev;
  return { path: `/dev/${name}`, major: Math.floor(rdev / 256) & 0xfff, minor: (rdev & 0xff) | ((rdev >> 12) & ~0xff) };
}

test('one entry per device with the rates given; the resolved form spells out the others as 0', () => {
  const limits = validateIoLimits([{ path: '/dev/sda', readBps: 1048576 }, { path: '/dev/sdb', writeIops: 100, readIops: 50 }], 'resources.ioLimits');
  assert.deepEqual(resolveIoLimits(limits), [
    { path: '/dev/sda', readBps: 1048576, writeBps: 0, readIops: 0, writeIops: 0 },
    { path: '/dev/sdb', readBps: 0, writeBps: 0, readIops: 50, writeIops: 100 },
  ]);
  assertInvalid(() => validateIoLimits([{ path: 'sda', readBps: 1 }], 'resources.ioLimits'), 'resources.ioLimits[0].path', /absolute/);
  assertInvalid(() => validateIoLimits([{ path: '/dev/sda', readBps: -1 }], 'resources.ioLimits'), 'resources.ioLimits[0].readBps', /integer/);
  assertInvalid(() => validateIoLimits([{ path: '/dev/sda', readbps: 1 }], 'resources.ioLimits'), 'resources.ioLimits[0].readbps', /unknown/);
  assertInvalid(() => validateIoLimits([{ path: '/dev/sda', readBps: 1 }, { path: '/dev/sda', writeBps: 1 }], 'resources.ioLimits'),
    'resources.ioLimits[1].path', /already limited by resources.ioLimits\[0\]/);
});

test('the cgroup manager gets the device\'s numbers; a path that is no block device is refused by name', () => {
  const dev = blockDevice();
  assert.deepEqual(ioThrottles([{ path: dev.path, readBps: 1048576, writeIops: 100 }]),
    [{ major: dev.major, minor: dev.minor, readBps: 1048576, writeBps: 0, readIops: 0, writeIops: 100 }]);
  assertInvalid(() => ioThrottles([{ path: dev.path, readBps: 1 }, { path: '/dev/null', readBps: 1 }]), 'resources.ioLimits[1].path', /\/dev\/null is not a block device/);
  assertInvalid(() => ioThrottles([{ path: '/dev/berth-nonesuch', readBps: 1 }]), 'resources.ioLimits[0].path', /does not exist on the host/);
});
