// The pending and firing alerts on disk (<state-dir>/alerts.json), so an agent restart or crash
// loses neither a firing alert (its action ran once and is not run again) nor how long a pending
// one has held: Prometheus' ALERTS_FOR_STATE, with its semantics. The downtime does not count as
// time the condition held (a pending instance's activeAt moves forward by it), and after an outage
// longer than OUTAGE_TOLERANCE_MS nothing is restored (Prometheus' --rules.alert.for-outage-tolerance
// default). keepFiringFor progress and errors are not kept (Prometheus does not keep the former).
// Written (atomically, one write at a time, the latest state winning) after a tick that changed a
// state and every SAVE_EVERY_MS while anything is pending or firing, so the outage is measured
// from at most that long before the crash.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { isErrno } from '../errors.js';
import { writeFileAtomic } from '../runtime/store.js';
import { ruleKey, type AlertInstance, type AlertTable } from './runtime.js';

export const ALERTS_FILE = 'alerts.json';
export const OUTAGE_TOLERANCE_MS = 60 * 60 * 1000;
export const SAVE_EVERY_MS = 10_000;

export interface SavedAlert { containerId: string; policy: string; rule: string; state: 'pending' | 'firing'; activeAt: number; firedAt?: number }
export interface SavedAlerts { version: 1; savedAt: number; alerts: SavedAlert[] }

export function snapshotAlerts(table: AlertTable, now: number): SavedAlerts {
  const alerts: SavedAlert[] = [];
  for (const { containerId, policy, rule, instance } of table.all()) {
    const { state, activeAt, firedAt } = instance;
    if ((state === 'pending' || state === 'firing') && activeAt !== undefined) {
      alerts.push({ containerId, policy, rule, state, activeAt, ...(firedAt !== undefined ? { firedAt } : {}) });
    }
  }
  return { version: 1, savedAt: now, alerts };
}

/** Puts the saved alerts of rules that still exist back into `table`; returns how many. */
export function restoreAlerts(table: AlertTable, saved: SavedAlerts, now: number, ruleKeys: ReadonlySet<string>): number {
  const downMs = Math.max(0, now - saved.savedAt);
  if (downMs > OUTAGE_TOLERANCE_MS) return 0;
  let restored = 0;
  for (const a of saved.alerts) {
    if (!ruleKeys.has(ruleKey(a.policy, a.rule))) continue;
    const instance: AlertInstance = {
      state: a.state, activeAt: a.state === 'pending' ? a.activeAt + downMs : a.activeAt, firedAt: a.firedAt,
      resolvedAt: undefined, keepFiringSince: undefined, lastError: undefined,
    };
    table.set(a.policy, a.rule, a.containerId, instance);
    restored++;
  }
  return restored;
}

export class AlertStore {
  readonly path: string;
  private lastSavedAt = -Infinity;
  private next: string | undefined;
  private writing: Promise<void> | undefined;

  constructor(stateDir: string, private readonly logger: Pick<Logger, 'warn' | 'error'>) {
    this.path = join(stateDir, ALERTS_FILE);
  }

  /** The saved alerts; undefined when there are none or the file cannot be read (logged). */
  load(): SavedAlerts | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) this.logger.warn({ err }, `policy: read ${this.path}; alerts start over`);
      return undefined;
    }
    try {
      const saved = JSON.parse(text) as SavedAlerts;
      if (saved.version !== 1 || !Array.isArray(saved.alerts) || typeof saved.savedAt !== 'number') throw new Error(`unknown format (version ${String(saved.version)})`);
      return saved;
    } catch (err) {
      this.logger.warn({ err }, `policy: ${this.path} is not readable as saved alerts; alerts start over`);
      return undefined;
    }
  }

  /** Saves when a state changed, or when something is active and the last save is SAVE_EVERY_MS old. */
  maybeSave(table: AlertTable, now: number, changed: boolean, active: boolean): void {
    if (changed || (active && now - this.lastSavedAt >= SAVE_EVERY_MS)) this.save(table, now);
  }

  save(table: AlertTable, now: number): void {
    this.lastSavedAt = now;
    this.next = JSON.stringify(snapshotAlerts(table, now));
    if (!this.writing) this.writing = this.drain();
  }

  /** Resolves when every save asked for so far is on disk. */
  async flush(): Promise<void> {
    await this.writing;
  }

  private async drain(): Promise<void> {
    while (this.next !== undefined) {
      const text = this.next;
      this.next = undefined;
      try {
        await writeFileAtomic(this.path, `${text}\n`);
      } catch (err) {
        this.logger.error({ err }, `policy: save alerts to ${this.path}`);
      }
    }
    this.writing = undefined;
  }
}
