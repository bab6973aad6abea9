import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withBurst } from '../../../agent/cgroups/cpu-burst.js';
import type { CgroupResources } from '../../../agent/cgroups/types.js';

/** The writes withBurst makes, in order: `burst=N` and `quota` (the quota/period step). */
async function writes(r: CgroupResources): Promise<string[]> {
  const seen: string[] = [];
  await withBurst(r, async (burst) => { seen.push(`burst=${burst}`); }, async () => { seen.push('quota'); });
  return seen;
}

test('a burst with a quota change: 0 first, so neither the old burst nor the old quota can refuse a write, the burst last', async () => {
  assert.deepEqual(await writes({ cpuQuotaUs: 20_000, cpuBurstUs: 10_000 }), ['burst=0', 'quota', 'burst=10000']);
  assert.deepEqual(await writes({ cpuPeriodUs: 50_000, cpuBurstUs: 10_000 }), ['burst=0', 'quota', 'burst=10000']);
});

test('a burst alone is written once; 0 is written before the quota; no burst, no burst write', async () => {
  assert.deepEqual(await writes({ cpuBurstUs: 10_000 }), ['quota', 'burst=10000']);
  assert.deepEqual(await writes({ cpuQuotaUs: 20_000, cpuBurstUs: 0 }), ['burst=0', 'quota']);
  assert.deepEqual(await writes({ cpuQuotaUs: 20_000 }), ['quota']);
});
