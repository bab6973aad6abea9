// Shared by the browser tests: builds the dashboard bundle from the current source, launches
// Debian's Chromium through playwright-core, and records everything a page reports as a problem.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ROOT } from '../helpers/agent.js';
import { waitFor } from '../helpers/wait.js';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(ROOT, 'test/artifacts');

export function chromiumAvailable(): boolean { return existsSync(CHROMIUM); }

/** The agent serves dist/dashboard and reads it at start: build before starting an agent. */
export function buildDashboard(): void {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), 'dashboard'], { cwd: ROOT, stdio: 'pipe' });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** The overview's list says it has `n` containers and shows the first of them (it draws only those near the screen). */
export async function waitForList(page: Page, n: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(`a list of ${n} containers`, async () => (await page.locator('.container-list .count').textContent()) === `(${n})`
    && (await page.locator('#container-table tbody tr[data-id]').count()) > 0, { timeoutMs });
}

/** Console errors, uncaught exceptions and failed requests of a page, as readable lines. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console.error: ${m.text()}`); });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText ?? '?'}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`); });
  return problems;
}

/** The whole page, or with `fullPage: false` what the viewport shows (a long list's page is 30k px high). */
export async function screenshot(page: Page, name: string, { fullPage = true } = {}): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}
