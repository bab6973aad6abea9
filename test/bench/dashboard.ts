// The dashboard's memory with many containers: `node --import tsx test/bench/dashboard.ts [N] [--ticks T]`.
// The real dashboard in Debian's Chromium against the real stream hub fed with N synthetic
// containers (test/e2e/replay-server.ts, a tick every 250 ms), measures the page's JS heap after a
// full GC (CDP HeapProfiler.collectGarbage, then Runtime.getHeapUsage) and the samples it holds:
//  - on load, once every row is shown (the reference: the list and one snapshot),
//  - after T ticks (default 300, the 5 minutes at 1 s an open tab soon reaches) on the list view,
//  - with one container's detail view open (its full history arrives with its snapshot),
//  - back on the list.
// Prints one table.
import type { CDPSession, Page } from 'playwright-core';
import { waitFor } from '../helpers/wait.js';
import { buildDashboard, launchBrowser } from '../e2e/browser.js';
import { startReplayServer } from '../e2e/replay-server.js';

const INTERVAL_MS = 250;

function args(): { containers: number; ticks: number } {
  const argv = process.argv.slice(2);
  const ticksAt = argv.indexOf('--ticks');
  const ticks = ticksAt >= 0 ? Number(argv[ticksAt + 1]) : 300;
  const containers = Number(argv.find((a, i) => !a.startsWith('--') && i !== ticksAt + 1) ?? 1000);
  for (const [name, v] of [['N', containers], ['--ticks', ticks]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${name}: expected a positive integer, got ${v}`);
  }
  return { containers, ticks };
}

interface Reading { heapMiB: number; samples: number; largestRing: number }

async function read(page: Page, cdp: CDPSession): Promise<Reading> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const rings = await page.evaluate(() =>
    [...(globalThis as any).__berth.state.containers.values()].map((c: { samples: { length: number } }) => c.samples.length) as number[]);
  return { heapMiB: usedSize / 2 ** 20, samples: rings.reduce((a, b) => a + b, 0), largestRing: Math.max(0, ...rings) };
}

async function main(): Promise<void> {
  const { containers, ticks } = args();
  buildDashboard();
  const server = await startReplayServer(containers, INTERVAL_MS);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const cdp = await page.context().newCDPSession(page);
    const rows = page.locator('#container-table tbody tr');
    await page.goto(`${server.url}/`);
    await waitFor(`${containers} rows`, async () => (await rows.count()) === containers, { timeoutMs: 60_000 });
    const lines: [string, Reading][] = [['on load', await read(page, cdp)]];

    const until = server.ticks() + ticks;
    await waitFor(`${ticks} ticks`, () => server.ticks() >= until, { timeoutMs: ticks * INTERVAL_MS * 2 + 10_000, intervalMs: 500 });
    // The page applies frames as they come; wait until it holds the last tick the server made.
    await waitFor('the page to catch up', () => page.evaluate(
      (t) => (globalThis as any).__berth.state.host.last()?.time >= t, Date.now() - INTERVAL_MS * 2), { timeoutMs: 30_000, intervalMs: 250 });
    lines.push([`after ${ticks} ticks, list`, await read(page, cdp)]);

    const detailed = server.containers[0]!.id;
    await page.goto(`${server.url}/#/containers/${detailed}`);
    await waitFor('the detail snapshot', () => page.evaluate((id) => (globalThis as any).__berth.state.detailSnapshots.has(id), detailed));
    lines.push(['detail view open', await read(page, cdp)]);
    await page.goto(`${server.url}/#/`);
    await waitFor('the list again', async () => (await rows.count()) === containers);
    lines.push(['back on the list', await read(page, cdp)]);

    const base = lines[0]![1].heapMiB;
    console.log(`dashboard with ${containers} containers, a tick every ${INTERVAL_MS} ms; JS heap after a full GC`);
    console.log(`${'when'.padEnd(26)} ${'heap MiB'.padStart(9)} ${'vs load'.padStart(8)} ${'samples held'.padStart(13)} ${'largest ring'.padStart(13)}`);
    for (const [when, r] of lines) {
      console.log(`${when.padEnd(26)} ${r.heapMiB.toFixed(1).padStart(9)} ${((r.heapMiB - base >= 0 ? '+' : '') + (r.heapMiB - base).toFixed(1)).padStart(8)} ${String(r.samples).padStart(13)} ${String(r.largestRing).padStart(13)}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

await main();
