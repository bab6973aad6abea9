// The `seccomp` value of a spec → the profile it names: "default", "unconfined", an absolute
// path to a profile file, "localhost/<path>" (Kubernetes' spelling for a file on the node), or
// the JSON text of a profile itself (starts with "{").
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, normalize } from 'node:path';
import { BerthError, errnoCode, isErrno } from '../../errors.js';

export type ProfileSource =
  | { kind: 'unconfined' }
  | { kind: 'default' }
  | { kind: 'file'; path: string }
  | { kind: 'inline'; text: string };

const LOCALHOST = 'localhost/';
/** A profile is a few kilobytes; refuse to slurp a device or a huge file by mistake. */
const MAX_PROFILE_BYTES = 4 * 1024 * 1024;

export function resolveProfileSource(value: string): ProfileSource {
  if (value === 'unconfined') return { kind: 'unconfined' };
  if (value === 'default' || value === '') return { kind: 'default' };
  if (value.trimStart().startsWith('{')) return { kind: 'inline', text: value };
  // "localhost//etc/p.json" and "localhost/etc/p.json" both name /etc/p.json.
  const path = value.startsWith(LOCALHOST) ? `/${value.slice(LOCALHOST.length).replace(/^\/+/, '')}` : value;
  if (!isAbsolute(path)) {
    throw new BerthError('INVALID_SPEC',
      `seccomp: "${value}" is not "default", "unconfined", an absolute profile path, "localhost/<path>" or a JSON profile`,
      { field: 'seccomp' });
  }
  return { kind: 'file', path: normalize(path) };
}

export function readProfileFile(path: string): string {
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw unreadable(path, 'not a regular file');
    if (stat.size > MAX_PROFILE_BYTES) throw unreadable(path, `${stat.size} bytes, larger than ${MAX_PROFILE_BYTES}`);
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof BerthError) throw err;
    if (isErrno(err, 'ENOENT')) throw unreadable(path, 'no such file (ENOENT)');
    throw unreadable(path, errnoCode(err) ?? String(err), err);
  }
}

function unreadable(path: string, why: string, cause?: unknown): BerthError {
  return new BerthError('INVALID_SPEC', `read seccomp profile ${path}: ${why}`, { field: 'seccomp', source: path }, { cause });
}
