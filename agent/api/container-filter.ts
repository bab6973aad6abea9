// The container list's filters (`GET /v1/containers?filter=KEY=VALUE`, `berth ps --filter`) with
// docker's keys and rules: the values of one key are alternatives (OR), different keys must all
// match (AND), and `status` lists every container, not only those that are up, as in docker. A key
// docker has that berth cannot answer (ports, networks beyond none/host, health checks) is refused
// by name rather than ignored.
import { BerthError } from '../errors.js';
import { dockerState, networkMode, type ContainerInfo } from '../runtime/types.js';

/** What a list without `all` shows (docker: running, including paused and restarting). */
const UP: readonly ReturnType<typeof dockerState>[] = ['running', 'paused', 'stopping', 'restarting'];

const STATUSES = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead', 'stopping'];
const KEYS = ['id', 'name', 'label', 'status', 'exited', 'ancestor', 'before', 'since', 'volume', 'network', 'health'] as const;
const HEALTH = ['starting', 'healthy', 'unhealthy', 'none'];
type Key = typeof KEYS[number];

export interface ContainerFilter {
  values: Map<Key, string[]>;
  /** `status` asks about every container, whatever `all` says. */
  impliesAll: boolean;
}

export function parseContainerFilter(args: string[]): ContainerFilter {
  const values = new Map<Key, string[]>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw invalid(`bad format of filter "${arg}" (expected name=value)`);
    const key = arg.slice(0, eq).toLowerCase();
    const value = arg.slice(eq + 1);
    if (!(KEYS as readonly string[]).includes(key)) throw invalid(`invalid filter "${key}" (berth knows ${KEYS.join(', ')})`);
    if (key === 'status' && !STATUSES.includes(value)) throw invalid(`invalid filter "status=${value}" (one of ${STATUSES.join(', ')})`);
    if (key === 'health' && !HEALTH.includes(value)) throw invalid(`invalid filter "health=${value}" (one of ${HEALTH.join(', ')})`);
    if (key === 'exited' && !/^-?\d+$/.test(value)) throw invalid(`invalid filter "exited=${value}": an exit code is an integer`);
    if (key === 'name') compileName(value);
    values.set(key as Key, [...(values.get(key as Key) ?? []), value]);
  }
  return { values, impliesAll: values.has('status') };
}

/** The runtime's own lookup (full id, name, unique id prefix): `before`/`since` name containers as every verb does. */
export type ContainerLookup = (idOrName: string) => ContainerInfo;

/** The containers of `everything` to list: those up (or all, with `all` or a status filter) that pass every key. */
export function filterContainers(everything: ContainerInfo[], all: boolean, filter: ContainerFilter, lookup: ContainerLookup): ContainerInfo[] {
  const tests: ((c: ContainerInfo) => boolean)[] = [];
  if (!all && !filter.impliesAll) tests.push((c) => UP.includes(dockerState(c)));
  for (const [key, values] of filter.values) {
    const matchers = values.map((v) => matcher(key, v, lookup));
    tests.push((c) => matchers.some((m) => m(c)));
  }
  return everything.filter((c) => tests.every((t) => t(c)));
}

function matcher(key: Key, value: string, lookup: ContainerLookup): (c: ContainerInfo) => boolean {
  switch (key) {
    case 'id': return (c) => c.id.startsWith(value);
    // docker matches a regular expression anywhere in "/name", so `^/web$` is an exact match.
    case 'name': { const re = compileName(value); return (c) => re.test(`/${c.name}`); }
    case 'label': return labelMatcher(value);
    case 'status': return (c) => dockerState(c) === value;
    case 'exited': return (c) => c.status === 'exited' && c.exit?.exitCode === Number(value);
    // The image is a label here: the same string, or that string with a tag (busybox → busybox:1.36).
    case 'ancestor': return (c) => { const image = c.spec.image ?? ''; return image === value || image.startsWith(`${value}:`); };
    case 'before': { const ref = reference(value, lookup); return (c) => Date.parse(c.createdAt) < Date.parse(ref.createdAt); }
    case 'since': { const ref = reference(value, lookup); return (c) => Date.parse(c.createdAt) > Date.parse(ref.createdAt); }
    case 'volume': return (c) => (c.spec.mounts ?? []).some((m) => m.source === value || m.target === value);
    case 'network': return (c) => networkMode(c.spec.namespaces?.net) === value;
    case 'health': return (c) => (c.health?.status ?? 'none') === value;
  }
}

/** docker's label filter: `KEY` (the label is there) or `KEY=VALUE`. */
export function labelMatcher(value: string): (c: ContainerInfo) => boolean {
  const eq = value.indexOf('=');
  const [k, v] = eq < 0 ? [value, undefined] : [value.slice(0, eq), value.slice(eq + 1)];
  return (c) => { const labels = c.spec.labels ?? {}; return k in labels && (v === undefined || labels[k] === v); };
}

function reference(value: string, lookup: ContainerLookup): ContainerInfo {
  try {
    return lookup(value);
  } catch (err) {
    if (err instanceof BerthError && err.code === 'NOT_FOUND') throw invalid(`no such container: ${value} (before= and since= name a container)`);
    throw err;
  }
}

function compileName(value: string): RegExp {
  try {
    return new RegExp(value);
  } catch (err) {
    throw invalid(`invalid filter "name=${value}": ${(err as Error).message}`);
  }
}

function invalid(message: string): BerthError {
  return new BerthError('INVALID_REQUEST', `filter: ${message}`, { field: 'filter' });
}
