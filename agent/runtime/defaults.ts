// Docker's defaults for a container's filesystem view (moby: daemon/pkg/oci/defaults.go and
// runc's libcontainer/specconv AllowedDevices), as data. See REFERENCE.md §1.2–1.4.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { isErrno } from '../errors.js';
import type { DeviceRule } from '../cgroups/types.js';
import type { PlanDevice, PlanSymlink } from './plan-types.js';
import type { NamespaceMode, NamespaceType, ResolvedSpec } from './types.js';
import type { OciMount } from './oci-types.js';

export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const DEFAULT_SHM_SIZE_BYTES = 64 * 1024 * 1024;
export const DEFAULT_STOP_TIMEOUT_SECONDS = 10;
export const DEFAULT_STOP_SIGNAL = 'SIGTERM';
/** Docker's minimum for -m (daemon/daemon_unix.go linuxMinMemory). */
export const MIN_MEMORY_BYTES = 6 * 1024 * 1024;

export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/acpi', '/proc/asound', '/proc/interrupts', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
  '/proc/sched_debug', '/proc/scsi', '/proc/timer_list', '/proc/timer_stats', '/sys/devices/virtual/powercap',
  '/sys/firmware',
];

export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger',
];

/**
 * Docker also masks every /sys/devices/system/cpu/cpu<N>/thermal_throttle that exists on the host
 * (GHSA-6fw5-f8r9-fgfm). `sysRoot` is a parameter so tests can use a fixture tree.
 */
export function thermalThrottlePaths(sysRoot = '/sys'): string[] {
  const cpuDir = join(sysRoot, 'devices/system/cpu');
  let entries: string[];
  try {
    entries = readdirSync(cpuDir);
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) return [];
    throw new Error(`readdir ${cpuDir}: ${(err as Error).message}`, { cause: err });
  }
  return entries
    .filter((name) => /^cpu\d+$/.test(name) && existsSync(join(cpuDir, name, 'thermal_throttle')))
    .sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)))
    .map((name) => `/sys/devices/system/cpu/${name}/thermal_throttle`);
}

/** The nodes runc mknods in every container's /dev (runtime-spec "Default Devices"), root-owned, 0666. */
export const DEFAULT_DEVICES: readonly PlanDevice[] = [
  { path: '/dev/null', type: 'c', major: 1, minor: 3, mode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/zero', type: 'c', major: 1, minor: 5, mode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/full', type: 'c', major: 1, minor: 7, mode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/random', type: 'c', major: 1, minor: 8, mode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/urandom', type: 'c', major: 1, minor: 9, mode: 0o666, uid: 0, gid: 0 },
  { path: '/dev/tty', type: 'c', major: 5, minor: 0, mode: 0o666, uid: 0, gid: 0 },
];

/**
 * runc's setupDevSymlinks + setupPtmx. /dev/console is only made for a terminal (init binds its
 * terminal there: agent/native/init.c). /dev/core only where the host has /proc/kcore.
 */
export function defaultDevSymlinks(procRoot = '/proc'): PlanSymlink[] {
  const links: PlanSymlink[] = [
    { target: '/proc/self/fd', link: '/dev/fd' },
    { target: '/proc/self/fd/0', link: '/dev/stdin' },
    { target: '/proc/self/fd/1', link: '/dev/stdout' },
    { target: '/proc/self/fd/2', link: '/dev/stderr' },
    { target: 'pts/ptmx', link: '/dev/ptmx' },
  ];
  if (existsSync(join(procRoot, 'kcore'))) links.push({ target: '/proc/kcore', link: '/dev/core' });
  return links;
}

/**
 * Docker's default mounts (REFERENCE.md §1.3) in OCI shape; the plan translates them like a
 * bundle's. With the host's IPC namespace Docker shares the host's /dev/shm (a bind); a
 * privileged container gets /sys and /sys/fs/cgroup writable.
 */
export function defaultMounts(spec: Pick<ResolvedSpec, 'namespaces' | 'privilegedMode' | 'shmSizeBytes'>): OciMount[] {
  const mounts = dockerMounts(spec.namespaces, spec.shmSizeBytes);
  if (!spec.privilegedMode) return mounts;
  return mounts.map((m) => (m.type === 'sysfs' || m.type === 'cgroup' ? { ...m, options: m.options!.filter((o) => o !== 'ro') } : m));
}

function dockerMounts(namespaces: Record<NamespaceType, NamespaceMode>, shmSizeBytes: number): OciMount[] {
  const ipcHost = namespaces.ipc === 'host';
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
    // An mqueue mount belongs to the mounting process's IPC namespace: with the host's, it shows the host's queues.
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    ipcHost
      ? { destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'nosuid', 'noexec', 'nodev'] }
      : { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', shmSize(shmSizeBytes)] },
  ];
}

/** docker writes whole KiB as `size=65536k`; a size that is not whole KiB goes in bytes. */
function shmSize(bytes: number): string {
  return bytes % 1024 === 0 ? `size=${bytes / 1024}k` : `size=${bytes}`;
}

const ANY = -1;
const rwm = (type: 'c' | 'b', major: number, minor: number): DeviceRule => ({ allow: true, type, major, minor, access: 'rwm' });

/**
 * What runc appends to every container's device rules (libcontainer/specconv AllowedDevices):
 * mknod of anything, and the default nodes + pts, ptmx and tun.
 */
export const RUNC_ALLOWED_DEVICE_RULES: readonly DeviceRule[] = [
  { allow: true, type: 'c', major: ANY, minor: ANY, access: 'm' },
  { allow: true, type: 'b', major: ANY, minor: ANY, access: 'm' },
  rwm('c', 1, 3), rwm('c', 1, 8), rwm('c', 1, 7), rwm('c', 5, 0), rwm('c', 1, 5), rwm('c', 1, 9),
  rwm('c', 136, ANY), rwm('c', 5, 2), rwm('c', 10, 200),
];

/**
 * Docker's effective device cgroup rules: its own spec rules (deny all; allow 1:5, 1:3, 1:9, 1:8,
 * 5:0, 5:1; deny 10:229 /dev/fuse) followed by what runc appends. Order matters on v1.
 */
export const DOCKER_DEVICE_RULES: readonly DeviceRule[] = [
  { allow: false, type: 'a', major: ANY, minor: ANY, access: 'rwm' },
  rwm('c', 1, 5), rwm('c', 1, 3), rwm('c', 1, 9), rwm('c', 1, 8), rwm('c', 5, 0), rwm('c', 5, 1),
  { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' },
  ...RUNC_ALLOWED_DEVICE_RULES,
];
