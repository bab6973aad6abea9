// Shared by the cgroup integration tests: a random parent of our own, child processes that the
// tests place into cgroups, and clean-up that runs even when an assertion failed.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { removeCgroupTree } from '../../helpers/agent.js';
import { waitFor } from '../../helpers/wait.js';
import { createCgroupManager, readAllStats, type CgroupManager, type CgroupResources, type CgroupStats, type CgroupStatsReader } from '../../../agent/cgroups/index.js';

export function randomParent(): string {
  return `berth-test-${randomBytes(4).toString('hex')}`;
}

/** Registers clean-up: kill our children, then remove every cgroup under the parent (all hierarchies). */
export function cleanUpAfter(t: { after(fn: () => Promise<void> | void): void }, parent: string, children: ChildProcess[]): void {
  t.after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await removeCgroupTree(parent);
  });
}

/** A shell spinning on one CPU. */
export function spawnBusy(children: ChildProcess[]): ChildProcess {
  const child = spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

/**
 * A node process that, once told on stdin (after it was placed), allocates and touches `bytes`
 * and reports "allocated" on stdout.
 */
export function spawnAllocator(children: ChildProcess[], bytes: number): ChildProcess & { allocated: Promise<void> } {
  const script = `process.stdin.once('data', () => { globalThis.keep = Buffer.alloc(${bytes}, 7); process.stdout.write('allocated\\n'); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const allocated = new Promise<void>((resolve) => child.stdout!.on('data', (d) => { if (String(d).includes('allocated')) resolve(); }));
  return Object.assign(child, { allocated });
}

/** What the shim does: write the pid into every cgroup.procs of the container. */
export function place(manager: CgroupManager, name: string, pid: number): void {
  for (const file of manager.procsFiles(name)) writeFileSync(file, String(pid));
}

export function processState(pid: number): string {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('State:'));
  return line?.split(/\s+/)[1] ?? '?';
}

export function exited(child: ChildProcess): Promise<string | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.signalCode);
  return new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
}

/** Waits until `read()` exceeds `above` (a counter moving). */
export async function grows(what: string, read: () => number, above: number): Promise<number> {
  return waitFor(what, () => { const v = read(); return v > above ? v : false; }, { timeoutMs: 10_000 });
}

/** A cgroup `c1` (with `resources`) under a fresh parent, a spinning shell placed in it, and its stats reader. */
export async function busyCgroup(t: TestContext, resources: CgroupResources = {}) {
  const parent = randomParent();
  const children: ChildProcess[] = [];
  cleanUpAfter(t, parent, children);
  const manager = await createCgroupManager({ parent });
  await manager.create('c1', resources);
  const reader = manager.statsReader('c1');
  t.after(() => reader.close());
  const busy = spawnBusy(children);
  place(manager, 'c1', busy.pid!);
  return { parent, children, manager, reader, busy };
}

/** Places a process in `c1` that allocates 32 MiB; asserts usage, rss and working set count it. */
export async function assertAllocationCounted(manager: CgroupManager, reader: CgroupStatsReader, children: ChildProcess[]): Promise<CgroupStats['memory']> {
  const bytes = 32 << 20;
  const allocator = spawnAllocator(children, bytes);
  place(manager, 'c1', allocator.pid!);
  const before = readAllStats(reader)!.memory.usageBytes;
  allocator.stdin!.write('go\n');
  await allocator.allocated;
  const memory = readAllStats(reader)!.memory;
  assert.ok(memory.usageBytes - before >= bytes, `usage grew by ${memory.usageBytes - before}, want ≥ ${bytes}`);
  assert.ok(memory.rssBytes >= bytes, `rss ${memory.rssBytes}`);
  assert.ok(memory.workingSetBytes >= bytes && memory.workingSetBytes <= memory.usageBytes);
  return memory;
}
