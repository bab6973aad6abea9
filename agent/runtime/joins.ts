// Joining another container's namespaces (docker's --network/--pid container:NAME), for sidecars
// and debugging containers that see a service's network or processes. The name is resolved to an
// id at create; each launch joins the namespaces of that container's init as they are then (a
// restarted service has new ones), and is refused while it does not run, as docker does.
import { BerthError } from '../errors.js';
import type { RuntimeContext } from './context.js';
import { findRecord } from './find.js';
import { JOINABLE_NAMESPACES, joinedContainer, type NamespaceType, type ResolvedSpec } from './types.js';

type Ctx = Pick<RuntimeContext, 'records' | 'names'>;

/**
 * The spec with each `container:<name>` as `container:<id>`. In another's network a container
 * takes its domain name (and its hostname: create.ts), as docker does; its own are refused (spec.ts).
 */
export function withJoinedIds(ctx: Ctx, spec: ResolvedSpec): ResolvedSpec {
  const joins = JOINABLE_NAMESPACES.filter((t) => joinedContainer(spec.namespaces[t]) !== undefined);
  if (joins.length === 0) return spec;
  const namespaces = { ...spec.namespaces };
  for (const type of joins) namespaces[type] = `container:${target(ctx, spec, type).id}`;
  const net = joinedContainer(namespaces.net);
  return net === undefined ? { ...spec, namespaces } : { ...spec, namespaces, domainname: ctx.records.get(net)!.spec.domainname };
}

/** The hostname of the container whose network `spec` joins, if it joins one. */
export function joinedHostname(ctx: Ctx, spec: ResolvedSpec): string | undefined {
  const net = joinedContainer(spec.namespaces.net);
  return net === undefined ? undefined : ctx.records.get(net)?.spec.hostname;
}

/** The namespace files this launch joins: `/proc/<pid>/ns/<type>` of each joined container's init. */
export function joinPaths(ctx: Ctx, spec: ResolvedSpec, procRoot = '/proc'): Partial<Record<NamespaceType, string>> {
  const paths: Partial<Record<NamespaceType, string>> = {};
  for (const type of JOINABLE_NAMESPACES) {
    if (joinedContainer(spec.namespaces[type]) === undefined) continue;
    const joined = target(ctx, spec, type);
    if ((joined.status !== 'running' && joined.status !== 'paused') || joined.pid <= 0) {
      throw new BerthError('INVALID_STATE', `namespaces.${type}: cannot join the ${type} namespace of container ${joined.name}: it is ${joined.status}, not running`,
        { field: `namespaces.${type}`, id: joined.id, status: joined.status });
    }
    paths[type] = `${procRoot}/${joined.pid}/ns/${type}`;
  }
  return paths;
}

function target(ctx: Ctx, spec: ResolvedSpec, type: NamespaceType) {
  const ref = joinedContainer(spec.namespaces[type])!;
  try {
    return findRecord(ctx, ref);
  } catch (err) {
    throw new BerthError('INVALID_SPEC', `namespaces.${type}: ${(err as Error).message}`, { field: `namespaces.${type}` });
  }
}
