// CFS burst (resources.cpuBurstUs, runc's linux.resources.cpu.burst) on this machine's kernel: the
// cgroup gets it, a bursty container spends it (cAdvisor's burst series move), a lower quota by
// update lowers it, and a burst above the quota is refused with nothing changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { release } from 'node:os';
import { startAgent } from '../../helpers/agent.js';
import { cgroupFile, PURE_V2 } from '../../helpers/cgroup-files.js';
import { busyboxRootfs } from '../../helpers/rootfs.js';
import { waitFor } from '../../helpers/wait.js';

// v2 has cpu.max.burst in every cgroup with the cpu controller since 5.14, none at the root to look for.
const [major, minor] = release().split('.').map(Number);
const hasBurst = PURE_V2 ? major > 5 || (major === 5 && minor >= 14) : existsSync('/sys/fs/cgroup/cpu/cpu.cfs_burst_us');
const skip = !hasBurst && 'needs CFS burst (Linux ≥ 5.14)';

test('a container\'s CFS burst: applied, spent, lowered with the quota, refused above it', { skip, timeout: 60_000 }, async (t) => {
  const agent = await startAgent({ sampleInterval: '250ms' });
  t.after(() => agent.stop());
  // Idle for a second (quota left unused becomes burst), then busy for more than the 10 ms of quota a
  // period has, which it gets even on a loaded machine (with half a core of quota, a busy machine
  // could leave it under its quota, never needing the burst).
  const bursty = 'while :; do sleep 1; i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; done';
  const created = await agent.api('POST', '/v1/containers', {
    name: 'burst', rootfs: busyboxRootfs(), cmd: ['sh', '-c', bursty], resources: { cpus: 0.1, cpuBurstUs: 8_000 }, start: true,
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const { cgroup } = (await agent.api('GET', '/v1/containers/burst')).body;
  const file = (name: string) => cgroupFile(cgroup, name);
  assert.deepEqual([file('cpu.cfs_quota_us'), file('cpu.cfs_burst_us')], ['10000', '8000']);

  const series = (text: string, name: string) => Number(new RegExp(`^${name}\\{[^}]*name="burst"[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  const spent = await waitFor('the burst series to move', async () => {
    const text: string = (await agent.api('GET', '/metrics')).body;
    const periods = series(text, 'container_cpu_cfs_burst_periods_total');
    return periods > 0 ? { periods, seconds: series(text, 'container_cpu_cfs_burst_seconds_total') } : undefined;
  }, { timeoutMs: 30_000, intervalMs: 250 });
  assert.ok(spent.seconds > 0 && spent.seconds < 30, JSON.stringify(spent));

  const lowered = await agent.api('POST', '/v1/containers/burst/update', { resources: { cpus: 0.05 } });
  assert.equal(lowered.status, 200, JSON.stringify(lowered.body));
  assert.equal(lowered.body.spec.resources.cpuBurstUs, 5_000, 'lowered to the new quota');
  assert.deepEqual([file('cpu.cfs_quota_us'), file('cpu.cfs_burst_us')], ['5000', '5000']);

  const above = await agent.api('POST', '/v1/containers/burst/update', { resources: { cpuBurstUs: 5_001 } });
  assert.equal(above.status, 400);
  assert.match(above.body.error.message, /resources\.cpuBurstUs: 5001 is above the CPU quota \(5000 µs per period/);
  assert.equal(file('cpu.cfs_burst_us'), '5000', 'unchanged');

  const both = await agent.api('POST', '/v1/containers/burst/update', { resources: { cpus: 0.8, cpuBurstUs: 60_000 } });
  assert.equal(both.status, 200, JSON.stringify(both.body));
  assert.deepEqual([file('cpu.cfs_quota_us'), file('cpu.cfs_burst_us')], ['80000', '60000']);
  const cleared = await agent.api('POST', '/v1/containers/burst/update', { resources: { cpuBurstUs: 0 } });
  assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
  assert.equal(file('cpu.cfs_burst_us'), '0');
});
