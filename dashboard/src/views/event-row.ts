// One event as a list item: time, kind, container, message. Shared by the feed and the detail view.
import { h } from '../dom.js';
import { eventSeverity } from '../events-model.js';
import { formatClock, shortId } from '../format.js';
import type { BerthEvent } from '../protocol.js';

export function eventRow(e: BerthEvent, withContainer = true): HTMLLIElement {
  const who = e.containerName ?? (e.containerId ? shortId(e.containerId) : '');
  // The feed's grid has a container column: events without one (agent, denials of unnamed specs) keep it empty.
  const container = !withContainer ? null
    : e.containerId ? h('a', { class: 'event-container', href: `#/containers/${e.containerId}` }, who)
    : h('span', { class: 'event-container' }, who);
  return h('li', { class: `event sev-${eventSeverity(e)}`, 'data-kind': e.kind, 'data-seq': e.seq },
    h('time', { datetime: e.time, title: e.time }, formatClock(e.time)),
    h('span', { class: 'event-kind' }, e.kind),
    container,
    h('span', { class: 'event-message' }, e.message));
}
