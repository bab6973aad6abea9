// Reading a file of a container's root filesystem from the host, safely: the path is walked one
// component at a time and every symlink is resolved as if the rootfs were "/" (like chroot and
// runc's securejoin). A symlink that climbs out of the rootfs ("../../etc/shadow") is refused
// rather than clamped, because a passwd that points outside the image is a sign of an attack.
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync } from 'node:fs';
import { posix } from 'node:path';
import { isErrno } from '../errors.js';

const MAX_SYMLINKS = 40;

export class RootfsPathError extends Error {
  constructor(readonly path: string, message: string, readonly reason: 'missing' | 'escape' | 'not-file' | 'io') { super(message); }
}

/** The host path of `inside` (absolute in the container), all symlinks resolved within `rootfs`. */
export function resolveInRootfs(rootfs: string, inside: string): string {
  const pending = inside.split('/').filter(Boolean);
  const done: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      if (done.length === 0) throw new RootfsPathError(inside, `resolve ${inside} in ${rootfs}: ".." leaves the root filesystem`, 'escape');
      done.pop();
      continue;
    }
    const host = posix.join(rootfs, ...done, part);
    const target = symlinkTarget(host, inside);
    if (target === undefined) { done.push(part); continue; }
    if (++hops > MAX_SYMLINKS) throw new RootfsPathError(inside, `resolve ${inside} in ${rootfs}: too many symlinks`, 'io');
    if (target.startsWith('/')) done.length = 0;
    pending.unshift(...target.split('/').filter(Boolean));
  }
  return posix.join(rootfs, ...done);
}

function symlinkTarget(host: string, inside: string): string | undefined {
  try {
    if (!lstatSync(host).isSymbolicLink()) return undefined;
    return readlinkSync(host);
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) return undefined; // the final open reports it as missing
    throw new RootfsPathError(inside, `lstat ${host}: ${(err as Error).message}`, 'io');
  }
}

/**
 * Reads a regular file of the rootfs (at most `maxBytes`); undefined when it does not exist.
 * O_NOFOLLOW + fstat: the final component must be the regular file we resolved, not a device.
 */
export function readRootfsFile(rootfs: string, inside: string, maxBytes = 4 * 1024 * 1024): string | undefined {
  const host = resolveInRootfs(rootfs, inside);
  let fd: number;
  try {
    fd = openSync(host, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) return undefined;
    throw new RootfsPathError(inside, `open ${host}: ${(err as Error).message}`, 'io');
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new RootfsPathError(inside, `open ${host}: not a regular file`, 'not-file');
    if (st.size > maxBytes) throw new RootfsPathError(inside, `read ${host}: larger than ${maxBytes} bytes`, 'io');
    const buf = Buffer.alloc(st.size);
    let off = 0;
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
