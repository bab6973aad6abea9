// What every lifecycle verb works with: the registry of containers (in memory, mirrored in
// state.json), the collaborators handed in by daemon.ts, and a few shared helpers.
import type { Logger } from 'pino';
import type { CgroupManager } from '../cgroups/types.js';
import type { EventBus, EventKind } from '../events/index.js';
import type { ContainerRecord } from './container.js';
import type { KeyedLock } from './lock.js';
import type { SeccompCompile } from './plan-security.js';
import type { ExecStdioServer } from './exec-stdio.js';
import type { ShimSpawner } from './shim-spawner.js';
import type { ContainerStore } from './store.js';
import type { AdmitHook } from './types.js';
import type { ExitTracker } from './wait.js';

export interface RuntimeOptions {
  stateDir: string;
  cgroups: CgroupManager;
  events: EventBus;
  logger: Logger;
  shimPath: string;
  admit?: AdmitHook;
  hostCpus?: number;
}

export interface RuntimeContext {
  readonly store: ContainerStore;
  readonly cgroups: CgroupManager;
  readonly events: EventBus;
  readonly logger: Logger;
  readonly shimPath: string;
  /** Launches create shims and exec shims through the long-lived `berth-shim spawner`. */
  readonly launcher: ShimSpawner;
  /** Where the output of execs arrives. */
  readonly execStdio: ExecStdioServer;
  readonly admit?: AdmitHook;
  readonly hostCpus: number;
  /** Cached per runtime: every create and exec asks for the same few (profile, capabilities) pairs. */
  readonly compileSeccomp: SeccompCompile;
  /** By id; includes containers still being created (phase `creating`). */
  readonly records: Map<string, ContainerRecord>;
  /** Names in use, reserved synchronously before the first await of a create (uniqueness under concurrency). */
  readonly names: Map<string, string>;
  readonly lock: KeyedLock;
  readonly exits: ExitTracker;
  /** Writes the record's current state.json; writes of one container are queued, the last one wins. */
  persist(record: ContainerRecord): Promise<void>;
  /**
   * The same, without waiting: for transitions that recovery can re-derive from the kernel and
   * the state dir (exit file, start fifo) if the agent dies before the write lands. Failures are logged.
   */
  persistLater(record: ContainerRecord): void;
  /** Resolves when no state.json write of this container is pending. */
  settled(id: string): Promise<void>;
  emit(kind: EventKind, record: ContainerRecord, message: string, data?: Record<string, unknown>): void;
  /** Removes a container once it has exited (autoRemove); errors are logged. */
  scheduleRemove(record: ContainerRecord): void;
}

export function describe(record: { id: string; name: string }): string {
  return `container ${record.name} (${record.id.slice(0, 12)})`;
}
