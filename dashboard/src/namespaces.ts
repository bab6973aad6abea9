// Namespace facts shown by the detail view and the isolation matrix.
import type { NamespaceSample } from './protocol.js';

/** Column order of the isolation matrix: the kernel's namespace types berth samples. */
export const NAMESPACE_COLUMNS = ['pid', 'net', 'mnt', 'uts', 'ipc', 'cgroup', 'user', 'time'] as const;
export type NamespaceColumn = (typeof NAMESPACE_COLUMNS)[number];

export const NAMESPACE_MEANING: Record<NamespaceColumn, string> = {
  pid: 'process ids', net: 'network stack', mnt: 'mount table', uts: 'hostname', ipc: 'System V IPC, POSIX queues',
  cgroup: 'cgroup root view', user: 'user and group ids', time: 'boot and monotonic clocks',
};

export type Isolation = 'private' | 'host' | 'unknown';

export function isolationOf(namespaces: NamespaceSample[], type: NamespaceColumn): { isolation: Isolation; inode?: number } {
  const ns = namespaces.find((n) => n.type === type);
  if (!ns) return { isolation: 'unknown' };
  return { isolation: ns.hostShared ? 'host' : 'private', inode: ns.inode };
}

export function sharedWithHost(namespaces: NamespaceSample[]): string[] {
  return NAMESPACE_COLUMNS.filter((t) => isolationOf(namespaces, t).isolation === 'host');
}
