// The dashboard in real Chromium against a real agent with real containers: live host charts,
// the live container list, container detail (charts, namespaces checked against /proc, policy
// state, logs), the isolation matrix, a policy denial in the events feed, and reconnecting after
// the agent restarts. Screenshots of each view go to test/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startAgent, type TestAgent } from '../helpers/agent.js';
import { busyboxAvailable, busyboxRootfs } from '../helpers/rootfs.js';
import { waitFor } from '../helpers/wait.js';
import { buildDashboard, chromiumAvailable, launchBrowser, screenshot, watchProblems } from './browser.js';

const INTERVAL_MS = 500;
const MiB = 1024 * 1024;

const RULES: Record<string, string> = {
  'limits.yaml': `apiVersion: berth.dev/v1
kind: Policy
metadata: { name: e2e-limits }
spec:
  enforcement: enforce
  admission:
    - name: memory-limit-required
      expression: 'container.resources.memoryBytes > 0'
      message: 'set a memory limit with -m'
`,
  'busy.yaml': `apiVersion: berth.dev/v1
kind: Policy
metadata: { name: e2e-busy }
spec:
  enforcement: enforce
  match: '"e2e" in container.labels && container.labels["e2e"] == "busy"'
  runtime:
    - name: cpu-busy
      condition: 'sample.cpu.cores > 0.1'
      for: 1s
      action: alert
      message: 'using more than a tenth of a core'
`,
};

const skip = process.getuid?.() !== 0 ? 'needs root (real containers)'
  : !chromiumAvailable() ? 'needs /usr/bin/chromium (apt-get install chromium)'
  : !busyboxAvailable() ? 'needs busybox-static' : false;

interface ChartSummary { id: string; datasets: { label: string; points: number; last: number | null }[] }

async function charts(page: Page): Promise<ChartSummary[]> {
  return page.evaluate(() => (globalThis as any).__berth.charts());
}

async function chart(page: Page, id: string): Promise<ChartSummary | undefined> {
  return (await charts(page)).find((c) => c.id === id);
}

async function run(agent: TestAgent, name: string, cmd: string[], extra: Record<string, unknown> = {}): Promise<string> {
  const res = await agent.api('POST', '/v1/containers', {
    name, rootfs: busyboxRootfs(), cmd, start: true, resources: { memoryBytes: 64 * MiB, pidsLimit: 64 }, ...extra,
  });
  assert.equal(res.status, 201, `create ${name}: ${JSON.stringify(res.body)}`);
  return res.body.id as string;
}

async function pidOf(agent: TestAgent, id: string): Promise<number> {
  return (await agent.api('GET', `/v1/containers/${id}`)).body.pid as number;
}

test('the dashboard shows a real agent live', { skip, timeout: 180_000 }, async (t) => {
  buildDashboard();
  const rulesDir = mkdtempSync(join(tmpdir(), 'berth-e2e-rules-'));
  t.after(() => rmSync(rulesDir, { recursive: true, force: true }));
  for (const [file, text] of Object.entries(RULES)) writeFileSync(join(rulesDir, file), text);
  const agent = await startAgent({ sampleInterval: `${INTERVAL_MS}ms`, rules: rulesDir });
  t.after(() => agent.stop());
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems = watchProblems(page);

  await page.goto(`${agent.url}/`);
  await waitFor('the stream to connect', async () => (await page.locator('#connection').textContent()) === 'live');
  const webId = await run(agent, 'web', ['sh', '-c', 'echo hello from web; while true; do echo tick; sleep 1; done']);
  const busyId = await run(agent, 'busy', ['sh', '-c', 'while true; do :; done'], { labels: { e2e: 'busy' }, resources: { memoryBytes: 32 * MiB, cpus: 0.5, pidsLimit: 64 } });

  await t.test('host charts receive live data', async () => {
    const first = await waitFor('host CPU points', async () => {
      const c = await chart(page, 'host-cpu');
      return c && c.datasets[0]!.points >= 2 && c;
    });
    await waitFor('a newer host sample', async () => (await chart(page, 'host-cpu'))!.datasets[0]!.points > first.datasets[0]!.points);
    const memory = (await chart(page, 'host-memory'))!;
    assert.ok(memory.datasets[0]!.last! > 0, 'memory used is drawn');
    assert.equal(memory.datasets[1]!.points, 2, 'the total memory line spans the window');
    const running = await waitFor('both containers counted', async () => (await chart(page, 'host-running'))!.datasets[0]!.last! >= 2);
    assert.ok(running);
  });

  await t.test('a started container appears in the list within two intervals, with live figures, and leaves when removed', async () => {
    const created = Date.now();
    const id = await run(agent, 'short-lived', ['sleep', '300']);
    const row = page.locator(`#container-table tr[data-id="${id}"]`);
    await waitFor('the new row', async () => (await row.count()) === 1, { timeoutMs: Math.max(0, created + 2 * INTERVAL_MS - Date.now()) });
    await waitFor('its sampled figures', async () => /\/ 64\.0 MiB$/.test((await row.locator('td').nth(5).textContent()) ?? ''));
    assert.equal(await row.locator('td').nth(2).textContent(), 'running');
    assert.match((await row.locator('td').nth(6).textContent())!, /^1 \/ 64$/, 'pids / limit');

    const busyCpu = page.locator(`#container-table tr[data-id="${busyId}"] td`).nth(4);
    await waitFor('the busy container to show CPU use', async () => parseFloat((await busyCpu.textContent()) ?? '0') > 10);
    await page.locator('th button[data-sort="cpu"]').click();
    await waitFor('sorting by CPU puts the busy container first', async () =>
      (await page.locator('#container-table tbody tr[data-id]').first().getAttribute('data-id')) === busyId);
    await screenshot(page, 'dashboard-overview');

    const removed = await agent.api('DELETE', `/v1/containers/${id}?force=true`);
    assert.equal(removed.status, 204);
    const gone = Date.now();
    await waitFor('the row to leave', async () => (await row.count()) === 0, { timeoutMs: Math.max(0, gone + 2 * INTERVAL_MS - Date.now()) });
  });

  await t.test('container detail shows live charts, the namespaces as the kernel has them, policy state and logs', async () => {
    const hostNetId = await run(agent, 'host-net', ['sleep', '300'], { namespaces: { net: 'host' } });
    await page.goto(`${agent.url}/#/containers/${hostNetId}`);
    const nsRow = (type: string) => page.locator(`#namespaces-table tr[data-ns="${type}"]`);
    await waitFor('the namespaces table', async () => (await nsRow('pid').count()) === 1);
    const pid = await pidOf(agent, hostNetId);
    for (const type of ['pid', 'net', 'mnt', 'uts', 'ipc']) {
      const kernel = readlinkSync(`/proc/${pid}/ns/${type}`);
      assert.equal(await nsRow(type).locator('td').nth(0).textContent(), kernel, `${type} inode as in /proc/${pid}/ns`);
      // The test runs in the host's namespaces, like the agent (pid 1 may be unreadable in a sandbox).
      const host = readlinkSync(`/proc/self/ns/${type}`) === kernel;
      assert.equal(await nsRow(type).locator('td').nth(1).textContent(), host ? 'shared with the host' : 'private', type);
    }
    assert.equal(await nsRow('net').locator('td').nth(1).textContent(), 'shared with the host');
    assert.equal(await nsRow('pid').locator('td').nth(1).textContent(), 'private');

    await page.goto(`${agent.url}/#/containers/${busyId}`);
    await waitFor('CPU and memory charts with data', async () => {
      const cpu = await chart(page, 'container-cpu');
      return cpu && cpu.datasets[0]!.points >= 3 && cpu.datasets[0]!.last! > 0.1;
    });
    // Each chart's redraw is scheduled on its own: the later ones may not have drawn yet.
    await waitFor('memory and pids charts drawn', async () => {
      const drawn = await Promise.all(['container-memory', 'container-pids'].map((id) => chart(page, id)));
      return drawn.every((c) => c && c.datasets[0]!.points > 0);
    });
    const cpu = (await chart(page, 'container-cpu'))!;
    assert.equal(cpu.datasets[1]!.last, 0.5, 'the quota line is at --cpus');
    const memory = (await chart(page, 'container-memory'))!;
    assert.equal(memory.datasets[2]!.last, 32 * MiB, 'the memory limit line');
    assert.ok(memory.datasets[1]!.last! > 0, 'working set drawn');
    assert.equal((await chart(page, 'container-pids'))!.datasets[1]!.last, 64, 'the pids limit line');
    const rule = page.locator('#policy-rules tbody tr', { hasText: 'e2e-busy/cpu-busy' });
    await waitFor('the runtime rule to fire', async () => (await rule.locator('td').nth(1).textContent()) === 'firing', { timeoutMs: 15_000 });
    await screenshot(page, 'dashboard-detail-busy');

    await page.goto(`${agent.url}/#/containers/${webId}`);
    await waitFor('the logs', async () => ((await page.locator('#detail-logs').textContent()) ?? '').includes('hello from web'));
    await waitFor('the detail charts', async () => (await chart(page, 'container-memory'))?.datasets[0]!.points! >= 2);
    await screenshot(page, 'dashboard-detail');
  });

  await t.test('the isolation matrix marks host-shared namespaces', async () => {
    await page.goto(`${agent.url}/#/isolation`);
    const cell = (name: string, type: string) => page.locator('#isolation-matrix tbody tr', { hasText: name }).locator(`td[data-ns="${type}"]`);
    await waitFor('the host-net row', async () => (await cell('host-net', 'net').count()) === 1);
    assert.equal(await cell('host-net', 'net').getAttribute('class'), 'ns ns-host');
    assert.equal(await cell('web', 'net').getAttribute('class'), 'ns ns-private');
    assert.equal(await cell('web', 'pid').textContent(), 'private');
    await screenshot(page, 'dashboard-isolation');
  });

  await t.test('a policy denial appears in the events feed', async () => {
    await page.goto(`${agent.url}/#/events`);
    const denied = await agent.api('POST', '/v1/containers', { name: 'no-limit', rootfs: busyboxRootfs(), cmd: ['true'] });
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.code, 'POLICY_DENIED');
    const row = page.locator('#events-feed li[data-kind="policy.denied"]', { hasText: 'memory-limit-required' });
    await waitFor('the denial in the feed', async () => (await row.count()) === 1);
    await page.locator('.filters button[data-filter="denials"]').click();
    await waitFor('only denials listed', async () =>
      (await page.locator('#events-feed li').count()) === (await page.locator('#events-feed li[data-kind="policy.denied"]').count()));
    await page.locator('.filters button[data-filter="all"]').click();
    // The feed re-renders on the next animation frame after the filter changes.
    await waitFor('the firing listed again with every kind shown', async () =>
      (await page.locator('#events-feed li[data-kind="policy.firing"]').count()) >= 1);
    await screenshot(page, 'dashboard-events');
  });

  // Checked before the restart below, whose refused connections Chromium reports as errors.
  assert.deepEqual(problems, [], 'the page reported no errors');

  await t.test('the page reconnects and resubscribes after the agent restarts', async () => {
    await page.goto(`${agent.url}/#/`);
    await waitFor('live', async () => (await page.locator('#connection').textContent()) === 'live');
    await agent.crash();
    await waitFor('the page to notice', async () => (await page.locator('#connection').textContent()) === 'disconnected');
    await agent.start();
    await waitFor('live again', async () => (await page.locator('#connection').textContent()) === 'live', { timeoutMs: 30_000 });
    const row = page.locator(`#container-table tr[data-id="${webId}"]`);
    await waitFor('the re-adopted container with fresh samples', async () =>
      (await row.count()) === 1 && /MiB/.test((await row.locator('td').nth(5).textContent()) ?? ''), { timeoutMs: 10_000 });
    const samplesBefore = (await chart(page, 'host-cpu'))!.datasets[0]!.points;
    await waitFor('ticks flowing again', async () => (await chart(page, 'host-cpu'))!.datasets[0]!.points > samplesBefore);
  });
});
