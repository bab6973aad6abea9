// Which namespaces a container's init process is in, and whether each is the host's (compared
// with /proc/1/ns/*). The links read "net:[4026531840]"; readlink works on the kernel's magic
// links and on plain symlinks in a fixture /proc alike.
import { readlinkSync } from 'node:fs';
import { isErrno } from '../errors.js';
import type { NamespaceSample, SampledNamespace } from './types.js';

const SAMPLED_NAMESPACES: readonly SampledNamespace[] = ['pid', 'net', 'mnt', 'uts', 'ipc', 'user', 'cgroup', 'time'];

/** type → inode; a type the kernel lacks (time before 5.6) is absent. */
export type NamespaceInodes = Map<SampledNamespace, number>;

/** Parses "net:[4026531840]" → 4026531840; NaN when the link is not a namespace link. */
export function parseNamespaceLink(link: string): number {
  const open = link.indexOf(':[');
  if (open < 0 || !link.endsWith(']')) return NaN;
  const inode = Number(link.slice(open + 2, -1));
  return Number.isSafeInteger(inode) ? inode : NaN;
}

/** Returns null when the process is gone (ENOENT/ESRCH on its ns directory). */
export function readNamespaceInodes(procRoot: string, pid: number | 'self' | 1): NamespaceInodes | null {
  const out: NamespaceInodes = new Map();
  for (const type of SAMPLED_NAMESPACES) {
    const path = `${procRoot}/${pid}/ns/${type}`;
    let link: string;
    try {
      link = readlinkSync(path);
    } catch (err) {
      if (isErrno(err, 'ENOENT', 'ESRCH')) {
        if (type === 'pid') return null; // every kernel has pid: the process itself is gone
        continue;                        // this kernel has no such namespace type
      }
      throw new Error(`readlink ${path}: ${(err as Error).message}`, { cause: err });
    }
    const inode = parseNamespaceLink(link);
    if (Number.isNaN(inode)) throw new Error(`readlink ${path}: unexpected target "${link}"`);
    out.set(type, inode);
  }
  return out;
}

export function compareWithHost(container: NamespaceInodes, host: NamespaceInodes): NamespaceSample[] {
  const out: NamespaceSample[] = [];
  for (const [type, inode] of container) out.push({ type, inode, hostShared: host.get(type) === inode });
  return out;
}
