// The page stays smooth with 100 containers: every tick updates the list in place (the same row
// elements, only changed text written), the typical animation frame fits a 60 Hz frame budget
// and none is a long task (> 50 ms, the Long Tasks API's threshold), with software rendering.
// With 1000, only the rows near the screen are in the DOM and scrolling reaches every one.
// Synthetic containers through the real hub (test/e2e/replay-server.ts): 100 real containers
// would measure this machine's two cores, not the page.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { waitFor } from '../helpers/wait.js';
import { buildDashboard, chromiumAvailable, launchBrowser, screenshot, waitForList, watchProblems } from './browser.js';
import { startReplayServer, type ReplayServer } from './replay-server.js';

const CONTAINERS = 100;
const INTERVAL_MS = 500;
const FRAME_BUDGET_MS = 16;
const LONG_TASK_MS = 50;

interface RenderStats { frames: number; recentMs: number[]; maxMs: number }

const renderStats = (page: Page): Promise<RenderStats> => page.evaluate(() => (globalThis as any).__berth.render());

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))] ?? NaN;
}

function assertSmooth(t: { diagnostic: (m: string) => void }, what: string, frames: number[]): void {
  const [p50, p95, max] = [quantile(frames, 0.5), quantile(frames, 0.95), Math.max(...frames)];
  t.diagnostic(`${what}: ${frames.length} frames, p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${max.toFixed(1)} ms`);
  assert.ok(p50 < FRAME_BUDGET_MS, `${what}: median frame ${p50.toFixed(1)} ms`);
  assert.ok(max < LONG_TASK_MS, `${what}: a ${max.toFixed(1)} ms frame is a long task`);
}

/** The overview of a replay server with `n` containers, listed, in a new browser; both closed after the test. */
async function openOverview(t: TestContext, n: number): Promise<{ server: ReplayServer; page: Page; problems: string[] }> {
  buildDashboard();
  const server = await startReplayServer(n, INTERVAL_MS);
  let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
  t.after(async () => { // the browser first: its open connections would hold the server's close
    await browser?.close();
    await server.close();
  });
  browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const problems = watchProblems(page);
  await page.goto(`${server.url}/`);
  await waitForList(page, n);
  return { server, page, problems };
}

test(`the dashboard stays smooth with ${CONTAINERS} live containers`, { skip: chromiumAvailable() ? false : 'needs /usr/bin/chromium', timeout: 120_000 }, async (t) => {
  const { server, page, problems } = await openOverview(t, CONTAINERS);
  const rows = page.locator('#container-table tbody tr[data-id]');
  const shown = await rows.count();

  await t.test('rows are updated in place, not rebuilt', async () => {
    const first = server.containers[0]!.id;
    const row = await page.$(`#container-table tr[data-id="${first}"]`);
    const memCell = page.locator(`#container-table tr[data-id="${first}"] td`).nth(5);
    const before = await memCell.textContent();
    const tick = server.ticks();
    await waitFor('two more ticks', () => server.ticks() >= tick + 2);
    await waitFor('the memory figure to change', async () => (await memCell.textContent()) !== before);
    assert.equal(await row!.evaluate((el) => el.isConnected), true, 'the same <tr> element is still in the table');
    assert.equal(await rows.count(), shown);
  });

  await t.test('overview frames stay smooth while ticks arrive', async () => {
    await page.locator('th button[data-sort="cpu"]').click(); // re-sorting every tick is the costly case
    const start = await renderStats(page);
    const tick = server.ticks();
    await waitFor('ten ticks', () => server.ticks() >= tick + 10, { timeoutMs: 20 * INTERVAL_MS });
    const stats = await renderStats(page);
    const draws = stats.recentMs.slice(-(stats.frames - start.frames));
    // One list draw per tick plus one frame per queued host chart; no loop spinning without data.
    assert.ok(draws.length >= 10, `frames for 10 ticks: ${draws.length}`);
    assert.ok(draws.length <= 10 * 6, `no frames without data: ${draws.length} for 10 ticks`);
    assertSmooth(t, 'overview', draws);
    await screenshot(page, 'dashboard-100-containers', { fullPage: false });
  });

  await t.test('detail view frames stay smooth with its six charts', async () => {
    await page.goto(`${server.url}/#/containers/${server.containers[42]!.id}`);
    await waitFor('detail charts with data', async () =>
      ((await page.evaluate(() => (globalThis as any).__berth.charts())) as { datasets: { points: number }[] }[])
        .every((c) => c.datasets[0]!.points >= 2));
    const start = await renderStats(page);
    const tick = server.ticks();
    await waitFor('six ticks', () => server.ticks() >= tick + 6, { timeoutMs: 12 * INTERVAL_MS });
    const stats = await renderStats(page);
    const draws = stats.recentMs.slice(-(stats.frames - start.frames));
    assert.ok(draws.length >= 6, `the six charts drawn (got ${draws.length} frames for 6 ticks)`);
    assertSmooth(t, 'detail', draws);
  });

  assert.deepEqual(problems, [], 'the page reported no errors');
});

test('a list of 1000 containers keeps the rows near the screen in the DOM and scrolls through all of them', { skip: chromiumAvailable() ? false : 'needs /usr/bin/chromium', timeout: 120_000 }, async (t) => {
  const n = 1000;
  const { server, page, problems } = await openOverview(t, n);
  const byName = [...server.containers].sort((a, b) => a.name.localeCompare(b.name));
  const row = (id: string) => page.locator(`#container-table tr[data-id="${id}"]`);
  const inDom = () => page.locator('#container-table tbody tr[data-id]').count();

  await waitFor('the first rows, in name order', async () => (await row(byName[0]!.id).count()) === 1);
  const drawn = await inDom();
  assert.ok(drawn >= 20 && drawn <= 150, `rows in the DOM: ${drawn} of ${n}`);
  const list = page.locator('#container-table tbody');
  const listHeight = (await list.boundingBox())!.height;
  // From one row's top to the next one's (the first row's box is shorter: half a collapsed border).
  const rowHeight = (await row(byName[2]!.id).boundingBox())!.y - (await row(byName[1]!.id).boundingBox())!.y;
  assert.ok(Math.abs(listHeight - n * rowHeight) < 2 * rowHeight, `the list is as high as ${n} rows of ${rowHeight} px: ${listHeight} px`);
  assert.equal(await page.locator('#container-table').getAttribute('aria-rowcount'), String(n + 1));

  for (const index of [500, n - 1]) {
    const target = byName[index]!;
    const listTop = (await list.boundingBox())!.y; // from the viewport's top
    await page.evaluate((dy) => (globalThis as any).scrollBy(0, dy), listTop + index * rowHeight - 400);
    await waitFor(`row ${index} (${target.name}) after scrolling to it`, async () => (await row(target.id).count()) === 1);
    assert.equal(await row(target.id).getAttribute('aria-rowindex'), String(index + 2));
    const box = (await row(target.id).boundingBox())!;
    assert.ok(box.y >= 0 && box.y + box.height <= 1000, `${target.name} is on screen: its row is at ${box.y} px`);
    assert.equal(await row(byName[0]!.id).count(), 0, 'the first row left the DOM');
    assert.ok(await inDom() <= 150, 'still only the rows near the screen');
    const memory = row(target.id).locator('td').nth(5);
    const before = await memory.textContent();
    await waitFor(`${target.name}'s memory figure to move with the ticks`, async () => (await memory.textContent()) !== before, { timeoutMs: 5 * INTERVAL_MS });
  }
  await screenshot(page, 'dashboard-1000-containers-scrolled', { fullPage: false });
  assert.deepEqual(problems, [], 'the page reported no errors');
});
