// The audit log: one JSON object per line in <state-dir>/audit.log (json-lines.ts: appended
// synchronously, rotated to audit.log.1 past a size limit).
import { join } from 'node:path';
import type { Logger } from 'pino';
import { JsonLinesFile } from '../json-lines.js';

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
  const file = new JsonLinesFile(join(stateDir, 'audit.log'), maxBytes, logger);
  return {
    path: file.path,
    write: (record) => file.append({ time: new Date(clock()).toISOString(), ...record }),
  };
}
