// Device nodes and /dev symlinks of the launch plan (runc's createDevices / setupDevSymlinks).
import { DEFAULT_DEVICES, defaultDevSymlinks } from './defaults.js';
import type { OciConfig, OciDevice, OciMount } from './oci-types.js';
import type { PlanDevice, PlanSymlink } from './plan-types.js';
import { isBindMount } from './plan-mounts.js';

/** runc leaves /dev alone when the bundle bind-mounts one (needsSetupDev). */
export function needsDevSetup(mounts: readonly OciMount[]): boolean {
  return !mounts.some((m) => m.destination.replace(/\/+$/, '') === '/dev' && isBindMount(m));
}

/**
 * runc always creates its default nodes, unless the bundle lists a device at the same path (the
 * bundle's wins), then adds the bundle's own devices; `extra` (a privileged container's host
 * devices, then --device nodes) are listed like the bundle's, a later one at the same path winning.
 */
export function planDevices(oci: OciConfig | undefined, mounts: readonly OciMount[], extra: readonly PlanDevice[] = []): PlanDevice[] {
  if (!needsDevSetup(mounts)) return [];
  const listed = new Map([...(oci?.linux?.devices ?? []).map(toPlanDevice), ...extra].map((d) => [d.path, d]));
  return [...DEFAULT_DEVICES.filter((d) => !listed.has(d.path)).map((d) => ({ ...d })), ...listed.values()];
}

export function planSymlinks(mounts: readonly OciMount[], procRoot: string): PlanSymlink[] {
  return needsDevSetup(mounts) ? defaultDevSymlinks(procRoot) : [];
}

function toPlanDevice(d: OciDevice): PlanDevice {
  return {
    path: d.path, type: d.type === 'b' ? 'b' : 'c', major: d.major ?? 0, minor: d.minor ?? 0,
    // fileMode may carry S_IFMT bits; runc keeps only the permissions.
    mode: (d.fileMode ?? 0o666) & 0o7777, uid: d.uid ?? 0, gid: d.gid ?? 0,
  };
}
