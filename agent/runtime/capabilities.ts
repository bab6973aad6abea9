// Linux capability names ↔ numbers (include/uapi/linux/capability.h), Docker's default set, and
// the add/drop arithmetic of `docker run --cap-add/--cap-drop` (moby: oci/caps TweakCapabilities).
import { readFileSync } from 'node:fs';

/** Index = capability number. */
export const CAPABILITY_NAMES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
] as const;

export type CapabilityName = (typeof CAPABILITY_NAMES)[number];

/** Docker's 14 (moby: daemon/pkg/oci/caps/defaults.go); mask 0xa80425fb. */
export const DOCKER_DEFAULT_CAPABILITIES: readonly CapabilityName[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** "net_admin", "NET_ADMIN" and "CAP_NET_ADMIN" all name the same capability; "ALL" stays "ALL". */
export function normalizeCapabilityName(name: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return 'ALL';
  return upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
}

export function isKnownCapability(name: string): name is CapabilityName {
  return (CAPABILITY_NAMES as readonly string[]).includes(name);
}

export function capabilityNumber(name: string): number {
  const n = (CAPABILITY_NAMES as readonly string[]).indexOf(normalizeCapabilityName(name));
  if (n < 0) throw new Error(`unknown capability ${JSON.stringify(name)}`);
  return n;
}

/** Bit n set for capability number n (the layout of /proc/<pid>/status CapEff). */
export function capabilityMask(names: readonly string[]): bigint {
  let mask = 0n;
  for (const name of names) mask |= 1n << BigInt(capabilityNumber(name));
  return mask;
}

export function capabilityNamesFromMask(mask: bigint): CapabilityName[] {
  return CAPABILITY_NAMES.filter((_, n) => (mask >> BigInt(n)) & 1n);
}

/** Sorted by capability number, so equal sets compare equal. */
export function sortCapabilities(names: Iterable<string>): CapabilityName[] {
  const wanted = new Set([...names].map(normalizeCapabilityName));
  return CAPABILITY_NAMES.filter((name) => wanted.has(name));
}

/**
 * Docker's arithmetic: ALL in add → everything except drop; ALL in drop → only add;
 * otherwise base − drop + add (an add of a dropped capability wins, as in moby).
 */
export function applyCapabilityChanges(base: readonly string[], add: readonly string[] = [], drop: readonly string[] = []): CapabilityName[] {
  const adds = add.map(normalizeCapabilityName);
  const drops = drop.map(normalizeCapabilityName);
  if (adds.includes('ALL')) return sortCapabilities(CAPABILITY_NAMES.filter((c) => !drops.includes(c)));
  if (drops.includes('ALL')) return sortCapabilities(adds);
  const kept = base.map(normalizeCapabilityName).filter((c) => !drops.includes(c));
  return sortCapabilities([...kept, ...adds]);
}

/**
 * The capabilities this process can still hand out (its bounding set, /proc/self/status CapBnd).
 * Where the agent itself runs with fewer than every capability (in a container, under a
 * restricted service manager), a privileged container gets these, as podman's do.
 */
export function ownBoundingSet(statusText = readFileSync('/proc/self/status', 'utf8')): CapabilityName[] {
  const hex = /^CapBnd:\s*([0-9a-f]+)$/m.exec(statusText)?.[1];
  if (hex === undefined) throw new Error('/proc/self/status has no CapBnd line');
  return capabilityNamesFromMask(BigInt(`0x${hex}`));
}
