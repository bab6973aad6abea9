// Healthchecks, docker's: every interval the command runs in the container (like exec); exit 0 is
// a pass, anything else (or no answer within the timeout) a failure. The status starts as
// `starting`, a pass makes it `healthy`, `retries` failures in a row make it `unhealthy`; failures
// within the start period after the container started do not count while it is still starting,
// and during it the checks run every start interval instead (docker 25's --health-start-interval).
// The last five probes are kept with their output (at most 4 KiB each).
import { readFile } from 'node:fs/promises';
import { describe, type RuntimeContext } from './context.js';
import type { ContainerRecord } from './container.js';
import { signal } from './cleanup.js';
import { execInContainer } from './exec.js';
import type { HealthProbe, HealthState, ResolvedSpec } from './types.js';

const KEPT_PROBES = 5;
/** Probes wait while paused (a frozen container cannot answer) and stop when it stops. */
const LIVE = new Set(['running', 'paused', 'stopping']);
const MAX_OUTPUT = 4096;

export function initialHealth(): HealthState {
  return { status: 'starting', failingStreak: 0, log: [] };
}

/** The state after one probe; pure. `inStartPeriod`: the container started less than the start period ago. */
export function nextHealth(state: HealthState, probe: HealthProbe, check: ResolvedSpec['healthcheck'], inStartPeriod: boolean): HealthState {
  const log = [...state.log, probe].slice(-KEPT_PROBES);
  if (probe.exitCode === 0) return { status: 'healthy', failingStreak: 0, log };
  if (inStartPeriod && state.status === 'starting') return { ...state, log };
  const failingStreak = state.failingStreak + 1;
  return { status: failingStreak >= check.retries ? 'unhealthy' : state.status, failingStreak, log };
}

/** Seconds to the next probe: the start interval while starting within the start period, else the interval. */
export function nextProbeDelaySeconds(check: ResolvedSpec['healthcheck'], status: HealthState['status'], sinceStartSeconds: number): number {
  return status === 'starting' && sinceStartSeconds < check.startPeriodSeconds ? check.startIntervalSeconds : check.intervalSeconds;
}

/** Runs the probes of running containers that have a healthcheck; one timer per container. */
export class HealthMonitor {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly ctx: RuntimeContext) {}

  /** After a start (or an adoption): a fresh `starting` status, the first probe one interval (or start interval) later. */
  watch(record: ContainerRecord, fresh = true): void {
    // A command as short as /bin/true may have exited (and been forgotten) before this call.
    if (record.spec.healthcheck.cmd.length === 0 || !LIVE.has(record.status)) return;
    this.forget(record);
    if (fresh || !record.health) record.health = initialHealth();
    this.next(record);
  }

  forget(record: ContainerRecord): void {
    clearTimeout(this.timers.get(record.id));
    this.timers.delete(record.id);
  }

  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private next(record: ContainerRecord): void {
    const sinceStart = record.startedAt ? (Date.now() - Date.parse(record.startedAt)) / 1000 : Infinity;
    const delay = nextProbeDelaySeconds(record.spec.healthcheck, record.health?.status ?? 'starting', sinceStart);
    const timer = setTimeout(() => void this.probeAndRepeat(record), delay * 1000);
    timer.unref();
    this.timers.set(record.id, timer);
  }

  private async probeAndRepeat(record: ContainerRecord): Promise<void> {
    const mine = this.timers.get(record.id);
    if (this.ctx.records.get(record.id) !== record || mine === undefined || !LIVE.has(record.status)) {
      this.forget(record);
      return;
    }
    // A paused container cannot answer; its status waits (docker does the same).
    if (record.status === 'running') {
      const probe = await this.probe(record);
      // Forgotten meanwhile (it exited, or was removed), or watched afresh by a restart: that chain goes on, not this one.
      if (this.timers.get(record.id) !== mine) return;
      if (record.status === 'running') this.noteProbe(record, probe);
    }
    this.next(record);
  }

  private noteProbe(record: ContainerRecord, probe: HealthProbe): void {
    const check = record.spec.healthcheck;
    const before = record.health ?? initialHealth();
    const startedMs = record.startedAt ? Date.parse(record.startedAt) : 0;
    const inStartPeriod = Date.parse(probe.start) - startedMs < check.startPeriodSeconds * 1000;
    record.health = nextHealth(before, probe, check, inStartPeriod);
    if (record.health.status !== before.status) {
      this.ctx.persistLater(record);
      this.ctx.emit('container.health', record, `${describe(record)} is ${record.health.status}${failureText(record.health, probe)}`,
        { status: record.health.status, failingStreak: record.health.failingStreak, exitCode: probe.exitCode });
    }
  }

  private async probe(record: ContainerRecord): Promise<HealthProbe> {
    const check = record.spec.healthcheck;
    const start = new Date().toISOString();
    let output = '';
    const keep = (chunk: Buffer | string) => { if (output.length < MAX_OUTPUT) output = (output + chunk.toString()).slice(0, MAX_OUTPUT); };
    try {
      const proc = await execInContainer(this.ctx, record, { cmd: check.cmd });
      proc.stdout.on('data', keep);
      proc.stderr.on('data', keep);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), check.timeoutSeconds * 1000); });
      const result = await Promise.race([proc.exited, timedOut]);
      clearTimeout(timer);
      if (result === 'timeout') {
        await killExec(proc.pid);
        return { start, end: new Date().toISOString(), exitCode: -1, output: `Health check exceeded timeout (${check.timeoutSeconds}s)` };
      }
      return { start, end: new Date().toISOString(), exitCode: result.exitCode, output };
    } catch (err) {
      return { start, end: new Date().toISOString(), exitCode: -1, output: `cannot run the healthcheck: ${(err as Error).message}` };
    }
  }
}

function failureText(health: HealthState, probe: HealthProbe): string {
  if (health.status !== 'unhealthy') return '';
  const n = health.failingStreak;
  const output = probe.output.trim().slice(0, 200);
  return ` after ${n} failed check${n === 1 ? '' : 's'}${output ? `: ${output}` : ` (exit code ${probe.exitCode})`}`;
}

/**
 * The exec shim forwards TERM but cannot forward KILL: the probe it forked (in the container's pid
 * namespace) and what that started are found through /proc/<pid>/task/<pid>/children and killed
 * with the shim, so a probe that hangs (`sh -c 'sleep 60'`) leaves nothing running in the container.
 */
async function killExec(shimPid: number): Promise<void> {
  for (const pid of [...(await descendants(shimPid)), shimPid]) signal(pid, 'SIGKILL');
}

async function descendants(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  const children = text.trim().split(/\s+/).filter(Boolean).map(Number);
  const below = await Promise.all(children.map(descendants));
  return [...children, ...below.flat()];
}
