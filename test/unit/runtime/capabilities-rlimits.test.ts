import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  applyCapabilityChanges, capabilityMask, capabilityNamesFromMask, capabilityNumber, CAPABILITY_NAMES, DOCKER_DEFAULT_CAPABILITIES, normalizeCapabilityName,
} from '../../../agent/runtime/capabilities.js';
import { flagsToOptions, MS, parseMountOptions } from '../../../agent/runtime/mount-options.js';
import { normalizeRlimitName, rlimitNumber, rlimitValue, toPlanRlimits } from '../../../agent/runtime/rlimits.js';

test('Docker\'s 14 capabilities are CapEff 00000000a80425fb', () => {
  assert.equal(DOCKER_DEFAULT_CAPABILITIES.length, 14);
  assert.equal(capabilityMask(DOCKER_DEFAULT_CAPABILITIES).toString(16).padStart(16, '0'), '00000000a80425fb');
});

test('capability numbers match linux/capability.h', () => {
  assert.deepEqual(['CHOWN', 'KILL', 'NET_ADMIN', 'SYS_ADMIN', 'MKNOD', 'SETFCAP', 'MAC_ADMIN', 'BPF', 'CHECKPOINT_RESTORE'].map(capabilityNumber), [0, 5, 12, 21, 27, 31, 33, 39, 40]);
  assert.equal(CAPABILITY_NAMES.length, 41);
  assert.throws(() => capabilityNumber('CAP_FLY'), /unknown capability "CAP_FLY"/);
});

test('names normalise; masks round-trip in number order', () => {
  assert.equal(normalizeCapabilityName(' net_admin '), 'CAP_NET_ADMIN');
  assert.equal(normalizeCapabilityName('all'), 'ALL');
  const mask = capabilityMask(['SYS_ADMIN', 'chown', 'CAP_BPF']);
  assert.equal(mask, (1n << 21n) | 1n | (1n << 39n));
  assert.deepEqual(capabilityNamesFromMask(mask), ['CAP_CHOWN', 'CAP_SYS_ADMIN', 'CAP_BPF']);
  assert.equal(capabilityMask(CAPABILITY_NAMES), (1n << 41n) - 1n);
});

test('add/drop arithmetic', () => {
  assert.deepEqual(applyCapabilityChanges(['CAP_KILL', 'CAP_CHOWN'], ['net_raw'], ['kill']), ['CAP_CHOWN', 'CAP_NET_RAW']);
  assert.deepEqual(applyCapabilityChanges(DOCKER_DEFAULT_CAPABILITIES, [], ['all']), []);
  assert.equal(applyCapabilityChanges([], ['ALL']).length, 41);
});

test('rlimit names and numbers', () => {
  assert.deepEqual(['cpu', 'core', 'nproc', 'nofile', 'RLIMIT_MEMLOCK', 'rttime'].map(rlimitNumber), [0, 4, 6, 7, 8, 15]);
  assert.equal(normalizeRlimitName('RLIMIT_NOFILE'), 'nofile');
  assert.equal(normalizeRlimitName('files'), undefined);
  assert.deepEqual([rlimitValue(-1), rlimitValue(2 ** 64 - 1), rlimitValue(1024)], ['unlimited', 'unlimited', 1024]);
  assert.deepEqual(toPlanRlimits([{ name: 'nofile', soft: 1, hard: -1 }]), [{ resource: 7, soft: 1, hard: 'unlimited' }]);
});

test('mount options: flags set and cleared in order, propagation apart, data kept', () => {
  const parsed = parseMountOptions(['ro', 'nosuid', 'rw', 'rbind', 'rprivate', 'size=1m', 'mode=755', 'noexec', 'exec']);
  assert.equal(parsed.flags, MS.NOSUID | MS.BIND | MS.REC);
  assert.deepEqual(parsed.propagation, [MS.PRIVATE | MS.REC]);
  assert.deepEqual(parsed.data, ['size=1m', 'mode=755']);
  assert.deepEqual(flagsToOptions(MS.BIND | MS.REC | MS.RDONLY | MS.NOSUID), ['rbind', 'ro', 'nosuid']);
});
