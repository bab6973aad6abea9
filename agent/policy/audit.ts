// The audit log: one JSON object per line in <state-dir>/audit.log, appended synchronously
// (O_APPEND keeps lines whole and ordered) and rotated to audit.log.1 past a size limit.
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { isErrno } from '../errors.js';

export interface AuditRecord {
  kind: 'admission' | 'runtime' | 'action' | 'load';
  [field: string]: unknown;
}

export interface AuditLog {
  readonly path: string | undefined;
  write(record: AuditRecord): void;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

export function createAuditLog(stateDir: string | undefined, logger: Logger, clock: () => number,
  maxBytes = DEFAULT_MAX_BYTES): AuditLog {
  if (!stateDir) return { path: undefined, write: () => undefined };
  const path = join(stateDir, 'audit.log');
  let size = currentSize(path);
  let failing = false;
  return {
    path,
    write(record) {
      const line = `${JSON.stringify({ time: new Date(clock()).toISOString(), ...record })}\n`;
      try {
        if (size + line.length > maxBytes) { renameSync(path, `${path}.1`); size = 0; }
        mkdirSync(stateDir, { recursive: true });
        appendFileSync(path, line, { mode: 0o600 });
        size += Buffer.byteLength(line);
        failing = false;
      } catch (err) {
        // Logged once per failure streak: a full disk must not flood the log on every sample.
        if (!failing) logger.error({ err }, `append ${path}: ${(err as Error).message}`);
        failing = true;
      }
    },
  };
}

function currentSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return 0;
    throw err;
  }
}
