// A real runtime for integration tests, built in-process through createRuntime: a real cgroup
// manager under a random `berth-test-xxxx` parent, a temporary state dir, the built berth-shim.
// `cleanup()` removes every container, process, cgroup and file, also after a failed test.
import { existsSync, mkdtempSync, readdirSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import pino from 'pino';
import { createCgroupManager, shimDeviceProgramLoader } from '../../../agent/cgroups/index.js';
import type { CgroupManager } from '../../../agent/cgroups/types.js';
import { EventBus, type BerthEvent } from '../../../agent/events/index.js';
import { createRuntime } from '../../../agent/runtime/index.js';
import type { ContainerSpec, ExitInfo, LogLine, Runtime } from '../../../agent/runtime/types.js';
import { removeCgroupTree, ROOT } from '../../helpers/agent.js';
import { busyboxRootfs } from '../../helpers/rootfs.js';

export const SHIM_PATH = join(ROOT, 'dist/bin/berth-shim');

/** Brings the shim up to date with its sources (make is incremental); `npm test` has built it already. */
export function ensureShim(): void {
  if (existsSync(SHIM_PATH) && process.env.BERTH_TEST) return; // `npm test` has just built it
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs'), 'shim'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status === 0) return;
  if (!existsSync(SHIM_PATH)) throw new Error(`building berth-shim failed: ${r.stderr}${r.stdout}`);
  process.stderr.write(`warning: rebuilding berth-shim failed, testing the existing ${SHIM_PATH}\n`);
}

export interface Harness {
  runtime: Runtime;
  cgroups: CgroupManager;
  events: BerthEvent[];
  stateDir: string;
  rootfs: string;
  parent: string;
  /** A fresh runtime on the same state dir (what an agent restart sees). */
  reopen(): Promise<Runtime>;
  cleanup(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  ensureShim();
  const dir = mkdtempSync(join(tmpdir(), 'berth-rt-'));
  const stateDir = join(dir, 'state');
  const parent = `berth-test-${randomBytes(4).toString('hex')}`;
  const cgroups = await createCgroupManager({ parent, deviceProgramLoader: shimDeviceProgramLoader(SHIM_PATH) }); // as the agent's (daemon.ts)
  const logger = pino({ level: process.env.BERTH_TEST_LOG ?? 'silent' });
  const bus = new EventBus();
  const events: BerthEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const make = async () => {
    const rt = createRuntime({ stateDir, cgroups, events: bus, logger, shimPath: SHIM_PATH });
    await rt.recover();
    return rt;
  };
  const runtimes: Runtime[] = [await make()];
  return {
    get runtime() { return runtimes[runtimes.length - 1]!; },
    cgroups, events, stateDir, rootfs: busyboxRootfs(), parent,
    async reopen() {
      await runtimes[runtimes.length - 1]!.close();
      runtimes.push(await make());
      return runtimes[runtimes.length - 1]!;
    },
    async cleanup() {
      const rt = runtimes[runtimes.length - 1]!;
      for (const c of rt.list(true)) await rt.remove(c.id, true).catch(() => undefined);
      for (const r of runtimes) await r.close();
      killShims(stateDir);
      await removeCgroupTree(parent);
      rmSync(dir, { recursive: true, force: true });
    },
  } as Harness;
}

function killShims(stateDir: string): void {
  const containers = join(stateDir, 'containers');
  if (!existsSync(containers)) return;
  for (const id of readdirSync(containers)) {
    for (const f of ['init.pid', 'shim.pid']) {
      try { process.kill(Number(readFileSync(join(containers, id, f), 'utf8')), 'SIGKILL'); } catch { /* gone */ }
    }
  }
}

/** The lines of Runtime.logs' batches, one by one. */
export async function* eachLine(batches: AsyncIterable<LogLine[]>): AsyncGenerator<LogLine> {
  for await (const batch of batches) yield* batch;
}

export interface RunResult { id: string; exit: ExitInfo; stdout: string; stderr: string; lines: LogLine[] }

/** create → start → wait → logs → remove: what `berth run` does. */
export async function run(rt: Runtime, spec: ContainerSpec, { keep = false } = {}): Promise<RunResult> {
  const info = await rt.create(spec);
  try {
    await rt.start(info.id);
    const exit = await rt.wait(info.id);
    const lines: LogLine[] = [];
    for await (const batch of rt.logs(info.id, {})) lines.push(...batch);
    const text = (s: string) => lines.filter((l) => l.stream === s).map((l) => `${l.line}\n`).join('');
    return { id: info.id, exit, stdout: text('stdout'), stderr: text('stderr'), lines };
  } finally {
    if (!keep) await rt.remove(info.id, true);
  }
}

/** Runs a shell script in a busybox container and returns its stdout (asserting exit 0). */
export async function sh(rt: Runtime, rootfs: string, script: string, extra: Partial<ContainerSpec> = {}): Promise<string> {
  const r = await run(rt, { rootfs, cmd: ['/bin/sh', '-c', script], ...extra });
  if (r.exit.exitCode !== 0) throw new Error(`script exited ${r.exit.exitCode}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

export function hostNs(type: string): string {
  return spawnSync('readlink', [`/proc/self/ns/${type}`], { encoding: 'utf8' }).stdout.trim();
}
