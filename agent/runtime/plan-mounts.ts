// Mounts of the launch plan: berth's defaults (defaults.ts) or a bundle's mounts, then the user's,
// all translated from OCI shape (destination/type/source/options) into mount(2) arguments.
import { statSync } from 'node:fs';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { BerthError, isErrno } from '../errors.js';
import type { CgroupVersion } from '../cgroups/types.js';
import { defaultMounts } from './defaults.js';
import { BIND_REMOUNT_FLAGS, MS, parseMountOptions } from './mount-options.js';
import type { OciMount } from './oci-types.js';
import type { PlanMount } from './plan-types.js';
import type { MountSpec, ResolvedSpec } from './types.js';

export interface MountContext {
  cgroupVersion: CgroupVersion;
  /** The container shares the host's network namespace: a fresh sysfs cannot be mounted. */
  netHost: boolean;
  /** The container shares the host's cgroup namespace. */
  cgroupNsHost: boolean;
  /** v2: the container's cgroup directory and the hierarchy's root on the host (see cgroupMount). */
  v2Cgroup?: { dir: string; root: string };
  /** Relative bind sources of a bundle are relative to the bundle directory (runc runs there). */
  baseDir: string;
  /** Bind sources berth makes before the launch (etc-files.ts), known to be files: not stat'ed. */
  ownFiles: ReadonlySet<string>;
}

/** docker run -v / --tmpfs semantics: binds are rbind + rprivate, tmpfs gets noexec,nosuid,nodev. */
export function userMountToOci(m: MountSpec): OciMount {
  const options = m.options ?? [];
  const ro = m.readOnly ? ['ro'] : [];
  if (m.type === 'tmpfs') return { destination: m.target, type: 'tmpfs', source: 'tmpfs', options: ['noexec', 'nosuid', 'nodev', ...options, ...ro] };
  const bind = options.includes('bind') || options.includes('rbind') ? [] : ['rbind'];
  const propagation = options.some((o) => parseMountOptions([o]).propagation.length > 0) ? [] : ['rprivate'];
  return { destination: m.target, type: 'bind', source: m.source, options: [...bind, ...options, ...ro, ...propagation] };
}

export function isBindMount(m: OciMount): boolean {
  return m.type === 'bind' || (m.options ?? []).some((o) => o === 'bind' || o === 'rbind');
}

/**
 * The OCI mounts the plan executes, in order: the base list (the bundle's, or Docker's defaults
 * minus those a user mount replaces) then user mounts and berth's own files (etc-files.ts; also
 * unless a user mount replaces them), parents before children as Docker sorts them.
 */
export function mountList(spec: ResolvedSpec, bundleMounts: OciMount[] | undefined, fromBundle: (m: MountSpec) => boolean,
  ownFiles: OciMount[] = []): OciMount[] {
  const user = spec.mounts.filter((m) => !fromBundle(m)).map(userMountToOci);
  const replaced = new Set(user.map((m) => trimSlash(m.destination)));
  const kept = (m: OciMount) => !replaced.has(trimSlash(m.destination));
  const base = (bundleMounts ?? defaultMounts(spec)).filter(kept);
  const depth = (m: OciMount) => trimSlash(m.destination).split('/').length;
  return [...base, ...[...user, ...ownFiles.filter(kept)].sort((a, b) => depth(a) - depth(b))];
}

function trimSlash(path: string): string { return path.replace(/\/+$/, '') || '/'; }

export function toPlanMount(m: OciMount, ctx: MountContext, field: string): PlanMount {
  const { flags, propagation, data } = parseMountOptions(m.options ?? []);
  const propagationFlags = propagation.reduce((all, f) => all | f, 0);
  if (isBindMount(m)) return bindMount(m, flags | MS.BIND | propagationFlags, ctx, field);
  if (m.type === 'sysfs' && ctx.netHost) {
    // runc's fallback: sysfs belongs to a network namespace; with the host's, bind the host's /sys
    // with the mount's own ro/nosuid/… (writable only when asked, as for a privileged container).
    const bindFlags = MS.BIND | MS.REC | (flags & BIND_REMOUNT_FLAGS);
    return { source: '/sys', target: m.destination, fstype: '', flags: bindFlags, data: '', create: 'dir', remount: true };
  }
  if (m.type === 'cgroup' || m.type === 'cgroup2') return cgroupMount(m, flags | propagationFlags, ctx);
  return {
    source: m.source || m.type || 'none', target: m.destination, fstype: m.type ?? '', flags: flags | propagationFlags,
    data: data.join(','), create: 'dir', remount: false,
  };
}

/**
 * v2: a cgroup2 mount (with a private cgroup namespace it shows the container's own subtree).
 * v1/hybrid: a read-only, empty tmpfs — berth does not rebuild the per-controller v1 mounts runc
 * makes; programs that read their limits from /sys/fs/cgroup see nothing rather than the host's.
 */
function cgroupMount(m: OciMount, flags: number, ctx: MountContext): PlanMount {
  const common = { target: m.destination, create: 'dir' as const, remount: false };
  if (ctx.cgroupVersion === 'v2' && ctx.netHost) return cgroupBind(m, flags, ctx);
  if (ctx.cgroupVersion === 'v2') return { ...common, source: 'cgroup2', fstype: 'cgroup2', flags, data: '' };
  return { ...common, source: 'tmpfs', fstype: 'tmpfs', flags: flags | MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC, data: 'mode=755' };
}

/**
 * v2 with the host's network namespace: the host's /sys bound in (above) brings the host's cgroup2
 * mount along, and the kernel refuses the same filesystem mounted again on its own root (EBUSY).
 * runc's fallback instead: a bind, read-only as asked, of the container's own cgroup directory
 * (what a private cgroup namespace shows) or, with the host's cgroup namespace, of the hierarchy.
 */
function cgroupBind(m: OciMount, flags: number, ctx: MountContext): PlanMount {
  if (!ctx.v2Cgroup) throw new BerthError('INTERNAL', `${m.destination}: the container's cgroup directory is not known`);
  return {
    source: ctx.cgroupNsHost ? ctx.v2Cgroup.root : ctx.v2Cgroup.dir, target: m.destination, fstype: '', flags: flags | MS.BIND,
    data: '', create: 'dir', remount: (flags & BIND_REMOUNT_FLAGS) !== 0,
  };
}

function bindMount(m: OciMount, flags: number, ctx: MountContext, field: string): PlanMount {
  const raw = m.source ?? '';
  const source = isAbsolute(raw) ? raw : resolvePath(ctx.baseDir, raw);
  let isDir = false;
  try {
    if (!ctx.ownFiles.has(source)) isDir = statSync(source).isDirectory();
  } catch (err) {
    const why = isErrno(err, 'ENOENT', 'ENOTDIR') ? 'does not exist' : (err as Error).message;
    throw new BerthError('INVALID_SPEC', `${field}.source: bind source ${source} ${why}`, { field: `${field}.source` }, { cause: err });
  }
  return {
    source, target: m.destination, fstype: '', flags, data: '', create: isDir ? 'dir' : 'file',
    // mount(2) ignores ro/nosuid/… on the first bind call; they need an MS_REMOUNT|MS_BIND.
    remount: (flags & BIND_REMOUNT_FLAGS) !== 0,
  };
}
