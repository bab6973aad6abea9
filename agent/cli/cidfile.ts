// --cidfile FILE of `run` and `create`: docker writes the new container's id there, refusing a
// file that already exists (another container may still own it) before anything is created, and
// removing the file again when the create fails.
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { usageError } from './args.js';

export interface CidFile { write(id: string): void; discard(): void }

const NONE: CidFile = { write() {}, discard() {} };

export function openCidFile(path: string | undefined, cwd: string, command: string): CidFile {
  if (path === undefined) return NONE;
  const file = resolve(cwd, path);
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' ? 'the container ID file exists; make sure the other container is not running or delete it' : (err as Error).message;
    throw usageError(command, `--cidfile ${file}: ${why}`, '--cidfile');
  }
  return {
    write(id) { writeSync(fd, id); closeSync(fd); },
    discard() { closeSync(fd); rmSync(file, { force: true }); },
  };
}
