// The dashboard with many containers: `node --import tsx test/bench/dashboard.ts [N] [--ticks T]`.
// The real dashboard in Debian's Chromium against the real stream hub fed with N synthetic
// containers (test/e2e/replay-server.ts), measures
//  - responsiveness: the long tasks (> 50 ms, the Long Tasks API) of the page over 20 ticks at 1 s
//    on the overview (the list of every container), against the same on the events view (no list),
//  - memory: the page's JS heap after a full GC (CDP HeapProfiler.collectGarbage, then
//    Runtime.getHeapUsage) and the samples it holds, with a tick every 250 ms: on load once every
//    row is shown (the reference), after T ticks (default 300, the 5 minutes at 1 s an open tab
//    soon reaches) on the overview, with one container's detail view open (its full history
//    arrives with its snapshot), back on the overview.
// Prints two tables.
import { containersAndTicks } from '../helpers/bench-args.js';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { waitFor } from '../helpers/wait.js';
import { buildDashboard, launchBrowser, waitForList } from '../e2e/browser.js';
import { startReplayServer } from '../e2e/replay-server.js';

const MEMORY_INTERVAL_MS = 250;
const RESPONSIVENESS_INTERVAL_MS = 1000;
const RESPONSIVENESS_TICKS = 20;

interface Reading { heapMiB: number; samples: number; largestRing: number }

async function read(page: Page, cdp: CDPSession): Promise<Reading> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const rings = await page.evaluate(() =>
    [...(globalThis as any).__berth.state.containers.values()].map((c: { samples: { length: number } }) => c.samples.length) as number[]);
  return { heapMiB: usedSize / 2 ** 20, samples: rings.reduce((a, b) => a + b, 0), largestRing: Math.max(0, ...rings) };
}

/** The durations of the page's long tasks over the next `ms`. */
function longTasks(page: Page, ms: number): Promise<number[]> {
  return page.evaluate((ms) => new Promise<number[]>((resolve) => {
    const seen: number[] = [];
    const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) seen.push(e.duration); });
    observer.observe({ type: 'longtask' as never }); // runs in the page; Node's types lack this entry type
    setTimeout(() => { observer.disconnect(); resolve(seen); }, ms);
  }), ms);
}

/** Its own route, so that coming back from another view is a route change, not a reload. */
async function openOverview(page: Page, url: string, containers: number): Promise<void> {
  await page.goto(`${url}/#/`);
  await waitForList(page, containers, 60_000);
}

async function responsiveness(browser: Browser, containers: number): Promise<void> {
  const server = await startReplayServer(containers, RESPONSIVENESS_INTERVAL_MS);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await openOverview(page, server.url, containers);
    const overview = await longTasks(page, RESPONSIVENESS_TICKS * RESPONSIVENESS_INTERVAL_MS);
    await page.goto(`${server.url}/#/events`);
    const events = await longTasks(page, RESPONSIVENESS_TICKS * RESPONSIVENESS_INTERVAL_MS);
    await page.close();
    console.log(`dashboard with ${containers} containers, a tick every ${RESPONSIVENESS_INTERVAL_MS} ms; long tasks (> 50 ms) over ${RESPONSIVENESS_TICKS} ticks`);
    console.log(`${'view'.padEnd(26)} ${'count'.padStart(6)} ${'longest ms'.padStart(11)} ${'ms per tick'.padStart(12)}`);
    for (const [view, tasks] of [['overview (list)', overview], ['events (reference)', events]] as const) {
      const total = tasks.reduce((a, b) => a + b, 0);
      console.log(`${view.padEnd(26)} ${String(tasks.length).padStart(6)} ${Math.max(0, ...tasks).toFixed(0).padStart(11)} ${(total / RESPONSIVENESS_TICKS).toFixed(1).padStart(12)}`);
    }
  } finally {
    await server.close();
  }
}

async function memory(browser: Browser, containers: number, ticks: number): Promise<void> {
  const server = await startReplayServer(containers, MEMORY_INTERVAL_MS);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const cdp = await page.context().newCDPSession(page);
    await openOverview(page, server.url, containers);
    const lines: [string, Reading][] = [['on load', await read(page, cdp)]];

    const until = server.ticks() + ticks;
    await waitFor(`${ticks} ticks`, () => server.ticks() >= until, { timeoutMs: ticks * MEMORY_INTERVAL_MS * 2 + 10_000, intervalMs: 500 });
    // The page applies frames as they come; wait until it holds the last tick the server made.
    await waitFor('the page to catch up', () => page.evaluate(
      (t) => (globalThis as any).__berth.state.host.last()?.time >= t, Date.now() - MEMORY_INTERVAL_MS * 2), { timeoutMs: 30_000, intervalMs: 250 });
    lines.push([`after ${ticks} ticks, list`, await read(page, cdp)]);

    const detailed = server.containers[0]!.id;
    await page.goto(`${server.url}/#/containers/${detailed}`);
    await waitFor('the detail snapshot', () => page.evaluate((id) => (globalThis as any).__berth.state.detailSnapshots.has(id), detailed));
    lines.push(['detail view open', await read(page, cdp)]);
    await openOverview(page, server.url, containers);
    lines.push(['back on the list', await read(page, cdp)]);

    const base = lines[0]![1].heapMiB;
    console.log(`dashboard with ${containers} containers, a tick every ${MEMORY_INTERVAL_MS} ms; JS heap after a full GC`);
    console.log(`${'when'.padEnd(26)} ${'heap MiB'.padStart(9)} ${'vs load'.padStart(8)} ${'samples held'.padStart(13)} ${'largest ring'.padStart(13)}`);
    for (const [when, r] of lines) {
      console.log(`${when.padEnd(26)} ${r.heapMiB.toFixed(1).padStart(9)} ${((r.heapMiB - base >= 0 ? '+' : '') + (r.heapMiB - base).toFixed(1)).padStart(8)} ${String(r.samples).padStart(13)} ${String(r.largestRing).padStart(13)}`);
    }
  } finally {
    await server.close();
  }
}

const { containers, ticks } = containersAndTicks({ containers: 1000, ticks: 300 });
buildDashboard();
const browser = await launchBrowser();
try {
  await responsiveness(browser, containers);
  await memory(browser, containers, ticks);
} finally {
  await browser.close();
}
