// Reading an OCI runtime bundle's config.json. Every error names the file and the JSON path
// ("/b/config.json: linux.namespaces[1].type: …").
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError, isErrno } from '../errors.js';
import { validateOciConfig } from './bundle-validate.js';
import type { OciConfig } from './oci-types.js';

export function bundleConfigPath(bundleDir: string): string { return join(bundleDir, 'config.json'); }

export async function loadBundleOci(bundleDir: string): Promise<OciConfig> {
  const file = bundleConfigPath(bundleDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw readError(file, err);
  }
  return parseBundleConfig(text, file);
}

/** The synchronous twin, for buildExecPlan (which must stay synchronous). */
export function loadBundleOciSync(bundleDir: string): OciConfig {
  const file = bundleConfigPath(bundleDir);
  try {
    return parseBundleConfig(readFileSync(file, 'utf8'), file);
  } catch (err) {
    if (err instanceof BerthError) throw err;
    throw readError(file, err);
  }
}

export function parseBundleConfig(text: string, file: string): OciConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BerthError('INVALID_SPEC', `${file}: not valid JSON: ${(err as Error).message}`, { field: 'bundle', file });
  }
  try {
    return validateOciConfig(json);
  } catch (err) {
    if (!(err instanceof BerthError)) throw err;
    const path = String(err.details?.field ?? '');
    throw new BerthError('INVALID_SPEC', `${file}: ${err.message}`, { field: 'bundle', file, path }, { cause: err });
  }
}

function readError(file: string, err: unknown): BerthError {
  if (isErrno(err, 'ENOENT')) return new BerthError('INVALID_SPEC', `bundle: ${file} does not exist`, { field: 'bundle', file });
  return new BerthError('INVALID_SPEC', `bundle: read ${file}: ${(err as Error).message}`, { field: 'bundle', file }, { cause: err });
}
