import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCgroupName, validateResources } from '../../../agent/cgroups/validate.js';

test('cgroup names cannot reach outside the parent', () => {
  for (const bad of ['', '.', '..', '../etc', 'a/b', '/abs', '-x', 'x y', 'a\0b', 'x'.repeat(256)]) {
    assert.throws(() => validateCgroupName(bad), { code: 'INVALID_REQUEST' }, JSON.stringify(bad));
  }
  for (const good of ['c1', 'a'.repeat(64), 'my_container.1-x']) validateCgroupName(good);
});

test('resources out of range are named by field', () => {
  const cases: [object, RegExp][] = [
    [{ memoryBytes: -5 }, /resources\.memoryBytes: -5/],
    [{ memoryBytes: 1.5 }, /resources\.memoryBytes/],
    [{ cpuShares: 1 }, /resources\.cpuShares: 1 is not an integer in 2\.\.262144/],
    [{ cpuPeriodUs: 999 }, /resources\.cpuPeriodUs/],
    [{ cpuQuotaUs: 500 }, /resources\.cpuQuotaUs: 500 is below the kernel's minimum/],
    [{ blkioWeight: 5 }, /resources\.blkioWeight/],
    [{ memorySwapBytes: 100 }, /resources\.memorySwapBytes: a swap limit needs memoryBytes/],
    [{ memoryBytes: 200, memorySwapBytes: 100 }, /resources\.memorySwapBytes: 100 \(memory \+ swap\) is less than memoryBytes 200/],
    [{ cpusetCpus: '0-' }, /resources\.cpusetCpus: "0-" is not a list/],
    [{ devices: [{ allow: true, type: 'x', major: 1, minor: 3, access: 'rwm' }] }, /resources\.devices\[0\]: type "x"/],
    [{ devices: [{ allow: true, type: 'c', major: 1, minor: -2, access: 'rwm' }] }, /resources\.devices\[0\]: major\/minor -2/],
    [{ devices: [{ allow: true, type: 'c', major: 1, minor: 3, access: 'rwx' }] }, /resources\.devices\[0\]: access "rwx"/],
    [{ devices: [{ allow: true, type: 'c', major: 1, minor: 3, access: 'rr' }] }, /access "rr"/],
  ];
  for (const [resources, message] of cases) {
    assert.throws(() => validateResources(resources), (err: any) => err.code === 'INVALID_SPEC' && message.test(err.message), JSON.stringify(resources));
  }
});

test('valid resources pass, including unlimited spellings', () => {
  validateResources({});
  validateResources({ memoryBytes: 0, memorySwapBytes: -1, cpuQuotaUs: 0, pidsLimit: 0 });
  validateResources({ memoryBytes: 1 << 20, memorySwapBytes: 2 << 20, cpuQuotaUs: 50_000, cpuPeriodUs: 100_000, cpuShares: 1024,
    cpusetCpus: '0-1,3', cpusetMems: '0', blkioWeight: 500, devices: [{ allow: false, type: 'a', major: -1, minor: -1, access: 'rwm' }] });
});
