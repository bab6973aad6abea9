// A container's persisted record (state.json) and the state machine: which verb is allowed in
// which status. Every verb checks here first, so "cannot pause an exited container" is said once.
import { BerthError } from '../errors.js';
import type { CgroupResources } from '../cgroups/types.js';
import { describe } from './context.js';
import type { ContainerInfo, ContainerStatus, ExitInfo, HealthState, ResolvedSpec, StopReason } from './types.js';

/**
 * `creating` until the shim reported `created`: a record still `creating` after a crash is
 * half-made. `relaunching` while an exited container gets a new init (start again): after a crash
 * it is the exited container it was, and whatever the attempt started is killed.
 */
export type CreatePhase = 'creating' | 'created' | 'relaunching';

/**
 * The shape of state.json this agent writes and understands. A change an older agent would
 * misread raises it; an agent finding a higher one (a downgrade) leaves that container alone
 * instead of taking it for half-created and removing it. Records without one are format 1.
 */
export const RECORD_FORMAT = 1;

export interface ContainerRecord {
  /** RECORD_FORMAT when written (absent in records of agents before it). */
  format?: number;
  id: string;
  name: string;
  phase: CreatePhase;
  status: ContainerStatus;
  pid: number;
  /** 0 for a created container whose shim was lost (the host restarted): its start launches a new one. */
  shimPid: number;
  /** When the shim started (shim.ts processStartTicks): tells it from a process that got its pid later; absent in older records. */
  shimStartTicks?: number;
  /** The host's boot id (host-boot.ts) when the shim was launched; absent in records of agents before it. */
  bootId?: string;
  createdAt: string;
  startedAt?: string;
  exit?: ExitInfo;
  spec: ResolvedSpec;
  /** The name given to the CgroupManager (the id), and the path it reports. */
  cgroupName: string;
  cgroup: string;
  stateDir: string;
  warnings: string[];
  files: { log: string; exit: string; startFifo: string };
  /** Why berth is stopping it (stop/kill/policy); copied into `exit.reason` when it exits. */
  pendingReason?: StopReason;
  /** The cgroup's OOM kill count when the current run began (0, or absent, for the first run). */
  oomKillsAtStart?: number;
  /** Runs the restart policy started; reset by nothing, like docker's RestartCount. */
  restartCount?: number;
  /** A user stopped or killed it: the restart policy leaves it alone until a user starts it. */
  manuallyStopped?: boolean;
  /** The delay before the last policy restart (the next doubles it); 0/absent before the first. */
  lastRestartDelayMs?: number;
  /** While a policy restart waits its delay: when it will run. */
  restartAt?: string;
  /** With a healthcheck: its status and last probes (health.ts). */
  health?: HealthState;
  /**
   * While an update writes the cgroup (update.ts): the limits it makes and its writes. Recorded
   * before the first write, so an agent that dies half-way finishes the update when it starts again
   * (recover.ts), and the cgroup never keeps half of one that the record does not show.
   */
  updating?: { resources: ResolvedSpec['resources']; cgroup: CgroupResources };
}

export type Verb = 'start' | 'stop' | 'kill' | 'pause' | 'resume' | 'update' | 'exec' | 'top' | 'remove';

const ALLOWED: Record<Verb, readonly ContainerStatus[]> = {
  start: ['created', 'exited'], // an exited one is relaunched first (relaunch.ts)
  stop: ['created', 'running', 'paused', 'stopping', 'exited'], // stopping a stopped container is a no-op
  kill: ['running', 'paused', 'stopping'],
  pause: ['running'],
  resume: ['paused'],
  update: ['created', 'running', 'paused', 'exited'], // an exited one keeps its cgroup until rm (relaunch.ts)
  exec: ['running'],
  top: ['running', 'paused', 'stopping'],
  remove: ['created', 'exited'], // running ones need force
};

export function isAllowed(record: ContainerRecord, verb: Verb): boolean {
  return ALLOWED[verb].includes(record.status);
}

export function assertAllowed(record: ContainerRecord, verb: Verb): void {
  if (isAllowed(record, verb)) return;
  const hint = verb === 'remove' ? ' (stop it first or use force)' : '';
  throw new BerthError('INVALID_STATE', `cannot ${verb} ${describe(record)}: it is ${record.status}${hint}`,
    { id: record.id, status: record.status, verb });
}

/** An exited container, or a created one whose shim was lost: a start first launches a new init (relaunch.ts). */
export function needsNewInit(record: ContainerRecord): boolean {
  return record.status === 'exited' || (record.status === 'created' && record.shimPid === 0);
}

/** Has a live init process (a shim waiting or a process running). */
export function isLive(record: ContainerRecord): boolean {
  return record.status !== 'exited' && record.status !== 'removing';
}

export function toInfo(record: ContainerRecord): ContainerInfo {
  return {
    id: record.id,
    name: record.name,
    status: record.status,
    pid: isLive(record) ? record.pid : 0,
    shimPid: isLive(record) ? record.shimPid : 0,
    createdAt: record.createdAt,
    ...(record.startedAt ? { startedAt: record.startedAt } : {}),
    ...(record.exit ? { exit: record.exit } : {}),
    spec: record.spec,
    cgroup: record.cgroup,
    stateDir: record.stateDir,
    ...(record.warnings.length ? { warnings: record.warnings } : {}),
    restartCount: record.restartCount ?? 0,
    ...(record.restartAt ? { restartAt: record.restartAt } : {}),
    ...(record.health ? { health: record.health } : {}),
  };
}
