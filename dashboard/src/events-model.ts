// How the events feed groups and colours events: pure, shared by the feed and the detail view.
import type { BerthEvent, EventKind } from './protocol.js';

export const EVENT_FILTERS = ['all', 'denials', 'warnings', 'alerts', 'actions', 'lifecycle'] as const;
export type EventFilter = (typeof EVENT_FILTERS)[number];

export const FILTER_LABELS: Record<EventFilter, string> = {
  all: 'All', denials: 'Denials', warnings: 'Warnings', alerts: 'Pending / firing', actions: 'Actions', lifecycle: 'Lifecycle',
};

export function eventCategory(kind: EventKind): Exclude<EventFilter, 'all'> | 'agent' {
  switch (kind) {
    case 'policy.denied': return 'denials';
    case 'policy.warned': case 'policy.audited': case 'policy.rejected': return 'warnings';
    case 'policy.pending': case 'policy.firing': case 'policy.resolved': return 'alerts';
    case 'policy.action': return 'actions';
    case 'policy.loaded': case 'agent.started': case 'agent.recovered': return 'agent';
    default: return 'lifecycle';
  }
}

export function matchesEventFilter(event: BerthEvent, filter: EventFilter): boolean {
  return filter === 'all' || eventCategory(event.kind) === filter;
}

export type Severity = 'bad' | 'warn' | 'good' | 'info';

export function eventSeverity(event: BerthEvent): Severity {
  switch (event.kind) {
    case 'policy.denied': case 'policy.firing': case 'policy.rejected': case 'container.oom': return 'bad';
    case 'policy.warned': case 'policy.pending': case 'policy.action': return 'warn';
    case 'policy.resolved': case 'container.started': case 'policy.loaded': return 'good';
    case 'container.exited': return typeof event.data?.exitCode === 'number' && event.data.exitCode !== 0 ? 'warn' : 'info';
    default: return 'info';
  }
}
