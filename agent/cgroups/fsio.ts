// File operations on cgroup trees. Every failure becomes a BerthError('CGROUP_FAILED') naming the
// operation and the path; expected conditions (a file or cgroup that does not exist) are explicit
// results, not exceptions.
import { constants } from 'node:fs';
import { mkdir, open, readFile, readdir, rmdir, stat } from 'node:fs/promises';
import { BerthError, errnoCode, isErrno } from '../errors.js';
import type { FixtureHooks } from './options.js';

export function cgroupError(op: string, path: string, err: unknown, hint = ''): BerthError {
  const code = errnoCode(err) ?? (err instanceof Error ? err.message : String(err));
  return new BerthError('CGROUP_FAILED', `${op} ${path}: ${code}${hint ? ` (${hint})` : ''}`, { path }, { cause: err });
}

/**
 * One write(2) of the whole value, like runc (O_WRONLY|O_TRUNC, never O_CREAT: a missing file
 * means the controller or kernel lacks it, and must not be papered over by creating one).
 */
export async function writeCgroupFile(path: string, value: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, constants.O_WRONLY | constants.O_TRUNC);
  } catch (err) {
    throw cgroupError('open', path, err, `to write "${value}"`);
  }
  try {
    await handle.write(value);
  } catch (err) {
    throw cgroupError('write', path, err, `value "${value}"`);
  } finally {
    await handle.close();
  }
}

export async function readCgroupFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw cgroupError('read', path, err);
  }
}

/** The file's content, or undefined when it does not exist. */
export async function readOptionalFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENODEV')) return undefined;
    throw cgroupError('read', path, err);
  }
}

/** Whether a file exists (stat, not read: some cgroup files such as cgroup.kill are write-only). */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw cgroupError('stat', path, err);
  }
}

/** mkdir; returns false when the directory already existed. */
export async function makeDir(path: string): Promise<boolean> {
  try {
    await mkdir(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'EEXIST')) return false;
    throw cgroupError('mkdir', path, err);
  }
}

/** Child directory names; [] when the directory does not exist. */
export async function listDirs(path: string): Promise<string[]> {
  try {
    return (await readdir(path, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw cgroupError('readdir', path, err);
  }
}

/** rmdir; returns false when the directory was already gone. Other errors (EBUSY) are thrown raw for retry loops. */
export async function removeDir(path: string, hooks?: FixtureHooks): Promise<boolean> {
  try {
    if (hooks) await hooks.remove(path);
    else await rmdir(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw err;
  }
}
