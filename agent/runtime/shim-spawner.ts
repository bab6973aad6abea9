// Launches create shims and exec shims through one long-lived `berth-shim spawner` per runtime,
// so the agent never forks to launch a container or to run an exec or a healthcheck probe: Node's
// spawn of a ~100 MB process blocks the event loop for ~8-10 ms, the spawner's fork of itself
// costs ~0.1 ms. Started on the first request and again on the next one after it died; close()
// hands it EOF, on which it exits.
import type { Logger } from 'pino';
import { BerthError } from '../errors.js';
import type { ExecProgress } from './exec-progress.js';
import type { LaunchedShim } from './shim.js';
import { SpawnerProcess } from './spawner-process.js';

export class ShimSpawner {
  private current: SpawnerProcess | undefined;
  private closed = false;

  constructor(private readonly shimPath: string, private readonly logger: Logger) {}

  /**
   * Hands the encoded plan of container `id` to the spawner and resolves at `created`. Rejects
   * with the shim's mapped error, or LAUNCH_FAILED naming the spawner when it died first; the
   * error carries the pids seen so far (pidsOf) so the caller can make sure nothing is left.
   */
  launch(id: string, plan: Buffer, what: string): Promise<LaunchedShim> {
    if (this.closed) return Promise.reject(new BerthError('INVALID_STATE', `${what}: the runtime is shutting down`));
    return this.process().launch(id, plan, what);
  }

  /** Hands the encoded exec plan (with its id and stdio records) to the spawner. */
  exec(id: string, plan: Buffer, what: string): Promise<ExecProgress> {
    if (this.closed) return Promise.reject(new BerthError('INVALID_STATE', `${what}: the runtime is shutting down`));
    return this.process().exec(id, plan, what);
  }

  /** The running spawner's pid, if one runs (diagnostics and tests). */
  get pid(): number | undefined {
    return this.current?.usable ? this.current.pid : undefined;
  }

  close(): void {
    this.closed = true;
    this.current?.end();
    this.current = undefined;
  }

  private process(): SpawnerProcess {
    if (this.current?.usable) return this.current;
    if (this.current) this.logger.warn({ pid: this.current.pid }, 'berth-shim spawner is gone; starting a new one');
    this.current = new SpawnerProcess(this.shimPath, this.logger);
    this.logger.debug({ pid: this.current.pid }, 'started berth-shim spawner');
    return this.current;
  }
}
