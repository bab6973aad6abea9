// docker run --device: host device nodes given to a container. The spec names host paths; the
// resolved spec holds each node as the host had it at creation (type, numbers, owner, mode), so
// policy sees exactly which devices a container gets, and the plan and the device cgroup use the
// same numbers on every start.
import { realpathSync, statSync, type BigIntStats } from 'node:fs';
import type { DeviceRule } from '../cgroups/types.js';
import { isErrno } from '../errors.js';
import { devicesUnder, hostNode } from './host-devices.js';
import { absolutePath, array, dropUndefined, invalid, join, noUnknownKeys, object, optional, shown, string } from './spec-check.js';
import type { DeviceMapping, NamespaceMode, NamespaceType, ResolvedDevice } from './types.js';

/** Device cgroup access: some of r, w and m, each once. */
export function isDevicePermissions(p: string): boolean { return /^(?!.*(.).*\1)[rwm]{1,3}$/.test(p); }

/** Spec validation: the shape only (the host is looked at when the spec is resolved). */
export function validateDeviceMappings(value: unknown, field: string): DeviceMapping[] {
  return array(value, field).map((item, i) => {
    const f = join(field, i);
    const obj = object(item, f);
    noUnknownKeys(obj, ['hostPath', 'containerPath', 'permissions'], f);
    return dropUndefined({
      hostPath: absolutePath(obj.hostPath, join(f, 'hostPath')),
      containerPath: optional(obj, 'containerPath', f, absolutePath),
      permissions: optional(obj, 'permissions', f, (v, pf) => {
        const p = string(v, pf);
        if (!isDevicePermissions(p)) throw invalid(pf, `must be some of r, w and m (e.g. "rwm", "r"), got ${shown(p)}`);
        return p;
      }),
    });
  });
}

/**
 * Each mapping's nodes as the host has them now: a node, or every node under a directory (docker's
 * `--device /dev/snd`). Symlinks are followed first, as docker does (`/dev/disk/by-id/…`).
 */
export function resolveDevices(mappings: readonly DeviceMapping[], namespaces: Record<NamespaceType, NamespaceMode>): ResolvedDevice[] {
  return mappings.flatMap((m, i) => {
    const field = `devices[${i}]`;
    const containerPath = m.containerPath ?? m.hostPath;
    if (namespaces.user === 'private' && containerPath !== m.hostPath) {
      // In a user namespace mknod is refused and berth-shim binds the host node of the same path.
      throw invalid(join(field, 'containerPath'), 'must be the host path in a container with its own user namespace');
    }
    const { hostPath, st } = statOnHost(m.hostPath, join(field, 'hostPath'));
    const node = st.isDirectory() ? undefined : hostNode(hostPath, containerPath, st);
    const nodes = st.isDirectory() ? devicesUnder(hostPath, containerPath) : node ? [node] : [];
    if (nodes.length === 0) {
      throw invalid(join(field, 'hostPath'), st.isDirectory() ? `${m.hostPath} holds no device nodes` : `${m.hostPath} is not a device node`);
    }
    return nodes.map((n) => ({ ...n, permissions: m.permissions ?? 'rwm' }));
  });
}

/** A host path with its symlinks resolved, and what is there; errors name `field`. */
export function statOnHost(path: string, field: string): { hostPath: string; st: BigIntStats } {
  try {
    const hostPath = realpathSync(path);
    return { hostPath, st: statSync(hostPath, { bigint: true }) };
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) throw invalid(field, `${path} does not exist on the host`);
    throw invalid(field, `stat ${path}: ${(err as Error).message}`);
  }
}

/** What the device cgroup must allow for them, after the container's base rules. */
export function deviceAllowRules(devices: readonly ResolvedDevice[]): DeviceRule[] {
  return devices.map((d) => ({ allow: true, type: d.type, major: d.major, minor: d.minor, access: d.permissions }));
}
