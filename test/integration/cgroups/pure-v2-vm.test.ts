// Most users run pure cgroup v2; this host is hybrid v1. So the test files below (the v2 manager's
// own, and runtime and metrics tests that are written for either version) also run in a VM booted
// on Debian's kernel with cgroup_no_v1=all (test/vm/qemu.ts): real v2 controllers, the v2 device
// program, cgroup.freeze, cgroup.kill, memory.events, pressure, the sampler and /metrics.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { arch } from 'node:os';
import { ROOT } from '../../helpers/agent.js';
import { buildShim } from '../shim/harness.js';
import { QEMU, runTestsInVm } from '../../vm/qemu.js';

// ~4 minutes under emulation. Integration tests read cgroup files through helpers/cgroup-files.ts,
// so any of them can run there (test/vm/run.ts); these are where v2's paths differ most from v1's.
const GUEST_TESTS = [
  'test/integration/cgroups/manager-v2.test.ts',
  'test/integration/runtime/limits.test.ts',
  'test/integration/runtime/isolation.test.ts', // the v2 device program, /sys/fs/cgroup with the host's network
  'test/integration/metrics/metrics.test.ts',
  'test/integration/metrics/prometheus.test.ts', // a real Prometheus's rate() of a spinner under v2's cpu.max
];

const skip = process.getuid?.() !== 0 ? 'needs root'
  : arch() !== 'x64' ? 'boots an x86_64 kernel'
    : !existsSync(QEMU) ? `needs ${QEMU} (Debian's qemu-system-x86, which npm test installs)` : false;

before(() => { if (!skip) buildShim(); });

test('on a pure cgroup v2 kernel the v2 test files pass, none skipped for want of v2', { skip, timeout: 10 * 60_000 }, async (t) => {
  const run = await runTestsInVm(ROOT, GUEST_TESTS, { timeoutMs: 9 * 60_000 });
  const figure = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(run.output)?.[1] ?? NaN);
  const report = `--- test output ---\n${run.output}\n--- console (last 4000 characters) ---\n${run.console.slice(-4000)}`;
  assert.equal(run.status, 0, `the guest's test run failed\n${report}`);
  assert.equal(figure('fail'), 0, report);
  assert.ok(figure('pass') > 0, report);
  const v2Skips = run.output.split('\n').filter((l) => /# SKIP needs (root on )?a pure cgroup v2 host/.test(l));
  assert.deepEqual(v2Skips, [], 'tests that need cgroup v2 ran');
  t.diagnostic(`in the VM: ${figure('pass')} passed, ${figure('skipped')} skipped (v1-only), ${figure('fail')} failed`);
});
