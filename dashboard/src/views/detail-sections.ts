// The non-chart parts of the container detail, each a function from state to fresh DOM: the
// facts list, the namespaces table, the policy state and the container's events. They are
// rebuilt only when the container's summary or the events changed, not on every tick.
import { h } from '../dom.js';
import { formatBytes, formatClock, formatCpuPercent } from '../format.js';
import { isolationOf, NAMESPACE_COLUMNS, NAMESPACE_MEANING } from '../namespaces.js';
import type { PolicyTracker } from '../policy-state.js';
import type { BerthEvent, ContainerSummary } from '../protocol.js';
import { eventRow } from './event-row.js';

export function factsList(c: ContainerSummary): HTMLElement {
  const limits = [
    c.limits.cpus ? `${formatCpuPercent(c.limits.cpus)} CPU` : 'no CPU quota',
    c.limits.memoryBytes ? `${formatBytes(c.limits.memoryBytes)} memory` : 'no memory limit',
    c.limits.pidsLimit ? `${c.limits.pidsLimit} pids` : 'no pids limit',
  ].join(' · ');
  const exit = c.status === 'exited' || c.status === 'restarting'
    ? `${c.exitCode ?? '?'}${c.oomKilled ? ' (OOM killed)' : ''}${c.stopReason ? `, stopped by ${c.stopReason}` : ''}` : undefined;
  const labels = Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).join(', ');
  const rows: [string, string | undefined][] = [
    ['ID', c.id], ['Image / rootfs', c.image], ['PID', c.pid ? String(c.pid) : undefined],
    ['Created', `${formatClock(c.createdAt)} (${c.createdAt})`],
    ['Started', c.startedAt ? `${formatClock(c.startedAt)} (${c.startedAt})` : undefined],
    ['Limits', limits], ['Exit', exit], ['Restarts', c.restartCount ? `${c.restartCount} by the restart policy` : undefined],
    ['Labels', labels || undefined],
  ];
  return h('dl', { class: 'facts' }, ...rows.filter(([, v]) => v !== undefined).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v!)]));
}

export function namespacesTable(c: ContainerSummary): HTMLElement {
  if (c.namespaces.length === 0) {
    return h('p', { class: 'empty' }, c.status === 'running' ? 'Not sampled yet.' : 'Only known while the container runs.');
  }
  const rows = NAMESPACE_COLUMNS.map((t) => {
    const { isolation, inode } = isolationOf(c.namespaces, t);
    const label = isolation === 'host' ? 'shared with the host' : isolation === 'private' ? 'private' : 'not available';
    return h('tr', { 'data-ns': t },
      h('th', { scope: 'row', title: `isolates: ${NAMESPACE_MEANING[t]}` }, t),
      h('td', { class: 'mono' }, inode ? `${t}:[${inode}]` : '–'), h('td', { class: `ns ns-${isolation}` }, label));
  });
  return h('table', { id: 'namespaces-table', class: 'compact' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Type'), h('th', {}, 'Namespace'), h('th', {}, 'Isolation'))),
    h('tbody', {}, ...rows));
}

export function policySection(c: ContainerSummary, policy: PolicyTracker): HTMLElement {
  const rules = policy.rulesOf(c.id);
  const warnings = policy.warningsOf(c.name);
  const parts: HTMLElement[] = [];
  if (c.stopReason) parts.push(h('p', { class: 'policy policy-stopped' }, `Stopped by ${c.stopReason}.`));
  if (rules.length) {
    parts.push(h('table', { id: 'policy-rules', class: 'compact' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Rule'), h('th', {}, 'State'), h('th', {}, 'Since'), h('th', {}, 'Message'), h('th', {}, 'Last action'))),
      h('tbody', {}, ...rules.map((r) => h('tr', {},
        h('td', {}, `${r.policy}/${r.rule}`), h('td', { class: `policy policy-${r.state}` }, r.state),
        h('td', {}, formatClock(r.since)), h('td', {}, r.message), h('td', {}, r.lastAction ?? '–'))))));
  }
  if (warnings.length) parts.push(h('ul', { class: 'warnings' }, ...warnings.map((w) => h('li', { class: 'policy policy-warned' }, `admission warning: ${w}`))));
  if (parts.length === 0) parts.push(h('p', { class: 'empty' }, 'No runtime rule is pending or firing for this container.'));
  return h('div', {}, ...parts);
}

export function containerEvents(events: Iterable<BerthEvent>, c: ContainerSummary, max = 50): HTMLElement {
  const mine: BerthEvent[] = [];
  for (const e of events) if (e.containerId === c.id || (!e.containerId && e.containerName === c.name)) mine.push(e);
  if (mine.length === 0) return h('p', { class: 'empty' }, 'No events.');
  return h('ol', { class: 'events' }, ...mine.slice(-max).reverse().map((e) => eventRow(e, false)));
}
