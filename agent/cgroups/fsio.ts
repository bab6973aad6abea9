// File operations on cgroup trees. Every failure becomes a BerthError('CGROUP_FAILED') naming the
// operation and the path; expected conditions (a file or cgroup that does not exist) are explicit
// results, not exceptions.
//
// The calls are synchronous on purpose: cgroupfs operations are in-memory kernel calls of a few
// microseconds, while a round trip through libuv's thread pool costs ~0.5 ms; a v1 create makes
// ~40 of them, which was a third of a launch. The signatures stay async for the callers.
import { closeSync, constants, mkdirSync, openSync, readFileSync, readdirSync, rmdirSync, statSync, writeSync } from 'node:fs';
import { BerthError, errnoCode, isErrno } from '../errors.js';
import type { FixtureHooks } from './options.js';

export function cgroupError(op: string, path: string, err: unknown, hint = ''): BerthError {
  const code = errnoCode(err) ?? (err instanceof Error ? err.message : String(err));
  return new BerthError('CGROUP_FAILED', `${op} ${path}: ${code}${hint ? ` (${hint})` : ''}`, { path }, { cause: err });
}

/**
 * How the appliers write a cgroup file: writeCgroupFile on create, through a journal on update
 * (undo.ts). `putBack` replaces the journal's plain write of the old content, for a file whose old
 * content cannot always be written again.
 */
export type CgroupWrite = (path: string, value: string, putBack?: (before: string) => Promise<void>) => Promise<void>;

/**
 * One write(2) of the whole value, like runc (O_WRONLY|O_TRUNC, never O_CREAT: a missing file
 * means the controller or kernel lacks it, and must not be papered over by creating one).
 */
export async function writeCgroupFile(path: string, value: string): Promise<void> {
  let fd;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_TRUNC);
  } catch (err) {
    throw cgroupError('open', path, err, `to write "${value}"`);
  }
  try {
    writeSync(fd, value);
  } catch (err) {
    throw cgroupError('write', path, err, `value "${value}"`);
  } finally {
    closeSync(fd);
  }
}

export async function readCgroupFile(path: string): Promise<string> {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw cgroupError('read', path, err);
  }
}

/** The file's content, or undefined when it does not exist. */
export async function readOptionalFile(path: string): Promise<string | undefined> {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENODEV')) return undefined;
    throw cgroupError('read', path, err);
  }
}

/** Whether a file exists (stat, not read: some cgroup files such as cgroup.kill are write-only). */
export async function fileExists(path: string): Promise<boolean> {
  try {
    statSync(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw cgroupError('stat', path, err);
  }
}

/** mkdir; returns false when the directory already existed. */
export async function makeDir(path: string): Promise<boolean> {
  try {
    mkdirSync(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'EEXIST')) return false;
    throw cgroupError('mkdir', path, err);
  }
}

/** Child directory names; [] when the directory does not exist. */
export async function listDirs(path: string): Promise<string[]> {
  try {
    return readdirSync(path, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw cgroupError('readdir', path, err);
  }
}

/** rmdir; returns false when the directory was already gone. Other errors (EBUSY) are thrown raw for retry loops. */
export async function removeDir(path: string, hooks?: FixtureHooks): Promise<boolean> {
  try {
    if (hooks) await hooks.remove(path);
    else rmdirSync(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}
