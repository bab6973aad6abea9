// Space for the exit file, set aside before init runs. A disk is most often filled by a container's
// own log; its exit file, written when it ends, would then find no room, and how it ended (its
// exit code) would be lost: the shim is gone once it wrote it (docker keeps it in memory instead).
// So each launch writes a small reserve file in the container's state directory; the shim (plan
// record exit_reserve), or the agent for a container whose shim died, writes the exit into it in
// place and renames it to the exit file, which needs no new block on the common filesystems (a
// copy-on-write one such as btrfs may still refuse it). Without a reserve, or if using it fails,
// the usual temp + rename.
import * as fs from 'node:fs/promises';
import { constants as fsc } from 'node:fs';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import { writeFileAtomic } from './store.js';

const EXIT_RESERVE_FILE = 'exit.json.reserve';

/** More than any exit file takes (< 256 bytes): the write in place never grows it past what is allocated. */
const RESERVE_BYTES = 512;

export const exitReservePath = (stateDir: string): string => join(stateDir, EXIT_RESERVE_FILE);

/**
 * Before a launch: a failure is the launch's (it needs the space anyway). No sync: the write has
 * the blocks (tmpfs, and ext4/xfs reserve them at write even when allocation is delayed); a power
 * loss before writeback only leaves a file the shim cannot use, and it falls back to temp + rename.
 */
export async function reserveExitSpace(stateDir: string): Promise<void> {
  const path = exitReservePath(stateDir);
  try {
    const handle = await fs.open(path, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_TRUNC | fsc.O_NOFOLLOW, 0o644);
    try {
      await handle.writeFile(Buffer.alloc(RESERVE_BYTES, 0x20));
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw new BerthError('STATE_FAILED', `reserve space for the exit file: write ${path}: ${(err as Error).message}`, { path }, { cause: err });
  }
}

/** Writes the exit file as the shim does: into the reserve when there is one, else temp + rename. */
export async function writeExitFile(stateDir: string, exitPath: string, content: string): Promise<void> {
  if (await writeReserved(exitReservePath(stateDir), exitPath, content)) return;
  await writeFileAtomic(exitPath, content);
}

async function writeReserved(reserve: string, exitPath: string, content: string): Promise<boolean> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(reserve, fsc.O_WRONLY | fsc.O_NOFOLLOW);
  } catch {
    return false; // none (a container launched before reserves existed): the usual write
  }
  try {
    const data = Buffer.from(content);
    const { bytesWritten } = await handle.write(data, 0, data.length, 0);
    if (bytesWritten !== data.length) return false;
    await handle.truncate(data.length);
    await handle.datasync();
  } catch {
    return false;
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(reserve, exitPath);
    return true;
  } catch {
    return false;
  }
}
