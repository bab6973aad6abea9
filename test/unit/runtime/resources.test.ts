import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeviceRule } from '../../../agent/cgroups/types.js';
import { toCgroupResources } from '../../../agent/runtime/resources.js';
import { UNSET_RESOURCES } from '../../../agent/runtime/resolve-common.js';
import type { OciConfig } from '../../../agent/runtime/oci-types.js';

const rule = (r: DeviceRule) => `${r.allow ? 'allow' : 'deny'} ${r.type} ${r.major < 0 ? '*' : r.major}:${r.minor < 0 ? '*' : r.minor} ${r.access}`;

test('limits map to cgroup values; cpus is a quota over a 100 ms period', () => {
  const r = toCgroupResources({ privilegedMode: false, devices: [], deviceCgroupRules: [], resources: { memoryBytes: 64 << 20, memorySwapBytes: -1, memoryReservationBytes: 32 << 20, memorySwappiness: 0, oomKillDisable: true, cpus: 0.5, cpuPeriodUs: 0, cpuBurstUs: 20000, cpuShares: 512, cpusetCpus: '0', cpusetMems: '0', pidsLimit: 100, blkioWeight: 300, ioLimits: [] } });
  assert.deepEqual({ ...r, devices: undefined }, {
    memoryBytes: 64 << 20, memorySwapBytes: -1, memoryReservationBytes: 32 << 20, memorySwappiness: 0, oomKillDisable: true, cpuQuotaUs: 50000, cpuPeriodUs: 100000, cpuBurstUs: 20000, cpuShares: 512,
    cpusetCpus: '0', cpusetMems: '0', pidsLimit: 100, blkioWeight: 300, ioThrottles: [], devices: undefined,
  });
  assert.equal(toCgroupResources({ privilegedMode: false, devices: [], deviceCgroupRules: [], resources: { ...UNSET_RESOURCES, cpus: 1.25 } }).cpuQuotaUs, 125000);
  assert.equal(toCgroupResources({ privilegedMode: false, devices: [], deviceCgroupRules: [], resources: { ...UNSET_RESOURCES, cpus: 0.01 } }).cpuQuotaUs, 1000);
});

test('unset limits are 0', () => {
  const r = toCgroupResources({ privilegedMode: false, devices: [], deviceCgroupRules: [], resources: { ...UNSET_RESOURCES, pidsLimit: -1 } });
  assert.deepEqual([r.memoryBytes, r.cpuQuotaUs, r.pidsLimit, r.cpuShares, r.cpusetCpus], [0, 0, 0, 0, '']);
});

test('Docker\'s device rules: deny all, the default nodes, pts, ptmx, tun, mknod; /dev/fuse denied', () => {
  const rules = toCgroupResources({ privilegedMode: false, devices: [], deviceCgroupRules: [], resources: UNSET_RESOURCES }).devices!.map(rule);
  assert.equal(rules[0], 'deny a *:* rwm');
  for (const allowed of ['c 1:3', 'c 1:5', 'c 1:7', 'c 1:8', 'c 1:9', 'c 5:0', 'c 5:1', 'c 5:2', 'c 136:*', 'c 10:200']) {
    assert.ok(rules.includes(`allow ${allowed} rwm`), `missing allow ${allowed}: ${rules.join('; ')}`);
  }
  assert.ok(rules.includes('allow c *:* m') && rules.includes('allow b *:* m'));
  const fuseDeny = rules.indexOf('deny c 10:229 rwm');
  assert.ok(fuseDeny > 0);
  // nothing after the deny re-allows /dev/fuse
  assert.ok(!rules.slice(fuseDeny).some((r) => /^allow c (10|\*):(229|\*) .*[rw]/.test(r)));
});

test('a privileged container may use every device (docker --privileged)', () => {
  assert.deepEqual(toCgroupResources({ privilegedMode: true, devices: [], deviceCgroupRules: [], resources: UNSET_RESOURCES }).devices!.map(rule), ['allow a *:* rwm']);
});

test('a bundle: its own device rules first, then runc\'s, and its own CFS period', () => {
  const oci: OciConfig = { ociVersion: '1.0.2', linux: { resources: { devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' }], cpu: { quota: 50000, period: 200000 } } } };
  const r = toCgroupResources({ privilegedMode: false, devices: [], deviceCgroupRules: [], resources: { ...UNSET_RESOURCES, cpus: 0.25, cpuPeriodUs: 200000 } }, oci);
  const rules = r.devices!.map(rule);
  assert.deepEqual(rules.slice(0, 3), ['deny a *:* rwm', 'allow c 10:229 rw', 'allow c *:* m']);
  assert.ok(rules.includes('allow c 136:* rwm'));
  assert.deepEqual([r.cpuQuotaUs, r.cpuPeriodUs], [50000, 200000]);
});
