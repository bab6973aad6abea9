// The state directory: `<stateDir>/containers/<id>/` per container. Every write is atomic
// (unique temp file, fdatasync, rename) so a crash leaves either the old or the new file, never
// a torn one, and concurrent writers never share a temp file. The directory itself is not
// fsynced: only a power loss can lose a rename, and that ends every container anyway;
// recovery treats a missing state.json as half-created (measured: each fsync costs 5-50 ms here).
import { randomBytes } from 'node:crypto';
import { promises as fs, constants as fsc } from 'node:fs';
import { join } from 'node:path';
import { BerthError, isErrno, errnoCode } from '../errors.js';

export const STATE_FILE = 'state.json';
/** Written by the shim; the pid of a container's current shim. */
export const SHIM_PID_FILE = 'shim.pid';
export const SPEC_FILE = 'spec.json';
export const OCI_CONFIG_FILE = 'config.json';

export class ContainerStore {
  readonly containersDir: string;

  constructor(readonly stateDir: string) {
    this.containersDir = join(stateDir, 'containers');
  }

  dir(id: string): string {
    return join(this.containersDir, id);
  }

  async init(): Promise<void> {
    await wrap('mkdir', this.containersDir, () => fs.mkdir(this.containersDir, { recursive: true, mode: 0o711 }));
  }

  /** Creates the container's directory; fails if it exists (ids are random: a clash is a bug). */
  async createDir(id: string): Promise<string> {
    const dir = this.dir(id);
    await wrap('mkdir', dir, () => fs.mkdir(dir, { mode: 0o711 }));
    return dir;
  }

  async removeDir(id: string): Promise<void> {
    const dir = this.dir(id);
    // Retries ENOTEMPTY briefly: a shim that was just killed may still be writing its exit file.
    await wrap('rm -r', dir, () => fs.rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 }));
  }

  /** Ids of every container directory (whatever their state). */
  async listIds(): Promise<string[]> {
    try {
      const entries = await fs.readdir(this.containersDir, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory()).map((e) => e.name);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw stateError('readdir', this.containersDir, err);
    }
  }

  writeJson(id: string, file: string, value: unknown): Promise<void> {
    return writeFileAtomic(join(this.dir(id), file), `${JSON.stringify(value, null, 2)}\n`);
  }

  /** Parsed JSON, or undefined when the file does not exist (an expected branch). */
  readJson<T>(id: string, file: string): Promise<T | undefined> {
    return readJsonFile<T>(join(this.dir(id), file));
  }
}

export async function pathExists(path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return false;
    throw stateError('access', path, err);
  }
}

export async function readJsonFile<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw stateError('read', path, err);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new BerthError('STATE_FAILED', `parse ${path}: ${(err as Error).message}`, { path }, { cause: err });
  }
}

export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await fs.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o644);
    try {
      await handle.writeFile(data);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
  } catch (err) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw stateError('write', path, err);
  }
}

async function wrap<T>(op: string, path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw stateError(op, path, err);
  }
}

function stateError(op: string, path: string, err: unknown): BerthError {
  if (err instanceof BerthError) return err;
  const code = errnoCode(err) ?? (err as Error).message;
  return new BerthError('STATE_FAILED', `${op} ${path}: ${code}`, { path }, { cause: err });
}
