// The container list's rows as plain values, and how they sort: pure, so the sorting rules are
// unit-tested without a browser.
import type { PolicyStatus, PolicyTracker } from '../policy-state.js';
import type { ContainerState } from '../state.js';

export interface RowModel {
  id: string;
  name: string;
  status: string;
  image: string;
  cpuCores: number;        // -1 when there is no sample (not running)
  memBytes: number;        // working set, like docker stats' MEM USAGE
  memLimit: number;
  pids: number;
  pidsLimit: number;
  uptimeMs: number;        // -1 when not running
  exitCode?: number;
  policy: PolicyStatus;
  labels: Record<string, string>;
}

export const SORT_KEYS = ['name', 'id', 'status', 'image', 'cpu', 'memory', 'pids', 'uptime', 'policy'] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export interface Sort { key: SortKey; dir: 1 | -1 }

const POLICY_RANK: Record<PolicyStatus['level'], number> = { firing: 4, pending: 3, stopped: 2, warned: 1, ok: 0 };

export function rowModel(c: ContainerState, policy: PolicyTracker, now: number): RowModel {
  const { summary } = c;
  const running = summary.status === 'running' || summary.status === 'paused';
  const last = running ? c.samples.last() : undefined;
  const started = summary.startedAt ? Date.parse(summary.startedAt) : NaN;
  return {
    id: summary.id,
    name: summary.name,
    status: summary.status,
    image: summary.image,
    cpuCores: last ? last.cpuCores : -1,
    memBytes: last ? last.memWorkingSet : -1,
    memLimit: last && last.memLimit > 0 ? last.memLimit : summary.limits.memoryBytes,
    pids: last ? last.pids : -1,
    pidsLimit: last && last.pidsLimit > 0 ? last.pidsLimit : summary.limits.pidsLimit,
    uptimeMs: running && Number.isFinite(started) ? Math.max(0, now - started) : -1,
    exitCode: summary.exitCode,
    policy: policy.statusOf(summary.id, summary.name, summary.stopReason),
    labels: summary.labels,
  };
}

function sortValue(row: RowModel, key: SortKey): string | number {
  switch (key) {
    case 'name': return row.name;
    case 'id': return row.id;
    case 'status': return row.status;
    case 'image': return row.image;
    case 'cpu': return row.cpuCores;
    case 'memory': return row.memBytes;
    case 'pids': return row.pids;
    case 'uptime': return row.uptimeMs;
    case 'policy': return POLICY_RANK[row.policy.level];
  }
}

/** Sorts by the key, then by name and id so equal values keep a stable order between ticks. */
export function compareRows(sort: Sort): (a: RowModel, b: RowModel) => number {
  return (a, b) => {
    const va = sortValue(a, sort.key);
    const vb = sortValue(b, sort.key);
    const primary = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
    if (primary !== 0) return primary * sort.dir;
    return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  };
}

/** Clicking the sorted column flips its direction; another column sorts by it, numbers biggest first. */
export function nextSort(current: Sort, key: SortKey): Sort {
  if (current.key === key) return { key, dir: current.dir === 1 ? -1 : 1 };
  const numeric = key === 'cpu' || key === 'memory' || key === 'pids' || key === 'uptime' || key === 'policy';
  return { key, dir: numeric ? -1 : 1 };
}

/**
 * Name, id prefix, image or exact state; `KEY=VALUE` is a label, exactly as given (docker's
 * `--filter label=KEY=VALUE`), `KEY=` any value of it.
 */
export function matchesFilter(row: RowModel, filter: string): boolean {
  if (!filter) return true;
  const eq = filter.indexOf('=');
  if (eq > 0) {
    const value = row.labels[filter.slice(0, eq)];
    return value !== undefined && (eq === filter.length - 1 || value === filter.slice(eq + 1));
  }
  const f = filter.toLowerCase();
  return row.name.toLowerCase().includes(f) || row.id.startsWith(f) || row.image.toLowerCase().includes(f) || row.status === f;
}
