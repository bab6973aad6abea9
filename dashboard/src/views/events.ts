// The live policy and lifecycle events feed, newest first, filterable by category. New events are
// prepended as they arrive; the list is rebuilt only when the filter changes or a fresh snapshot
// replaced the history (after a reconnect).
import type { ChartSummary } from '../charts.js';
import { h, setText } from '../dom.js';
import { EVENT_FILTERS, FILTER_LABELS, matchesEventFilter, type EventFilter } from '../events-model.js';
import { EVENTS_KEPT, type DashboardState } from '../state.js';
import type { BerthEvent } from '../protocol.js';
import { eventRow } from './event-row.js';
import type { View } from './view.js';

export class EventsView implements View {
  readonly root: HTMLElement;
  private readonly list: HTMLOListElement;
  private readonly empty: HTMLElement;
  private readonly buttons = new Map<EventFilter, HTMLButtonElement>();
  private filter: EventFilter = 'all';
  private newestSeq = -1;
  private drawnEpoch = -1;

  constructor(private readonly state: DashboardState, private readonly invalidate: () => void) {
    const bar = h('div', { class: 'filters', role: 'toolbar', 'aria-label': 'Event filter' });
    for (const f of EVENT_FILTERS) {
      const b = h('button', { type: 'button', 'data-filter': f }, FILTER_LABELS[f]);
      b.addEventListener('click', () => this.setFilter(f));
      this.buttons.set(f, b);
      bar.append(b);
    }
    this.list = h('ol', { id: 'events-feed', class: 'events' });
    this.empty = h('p', { class: 'empty' }, 'No events of this kind yet.');
    this.root = h('div', { id: 'view-events', class: 'view' },
      h('section', { 'aria-label': 'Events' }, h('div', { class: 'section-head' }, h('h2', {}, 'Policy and container events'), bar), this.list, this.empty));
    this.markFilter();
  }

  private setFilter(f: EventFilter): void {
    this.filter = f;
    this.markFilter();
    this.drawnEpoch = -1;
    this.invalidate();
  }

  private markFilter(): void {
    for (const [f, b] of this.buttons) b.setAttribute('aria-pressed', String(f === this.filter));
  }

  enter(): void { this.drawnEpoch = -1; }
  leave(): void {}

  render(): void {
    const events = this.state.events;
    if (this.drawnEpoch !== this.state.eventsEpoch) {
      this.list.replaceChildren();
      this.newestSeq = -1;
      this.drawnEpoch = this.state.eventsEpoch;
    }
    const fresh: BerthEvent[] = [];
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events.at(i)!;
      if (e.seq <= this.newestSeq) break;
      if (matchesEventFilter(e, this.filter)) fresh.push(e);
    }
    const newest = events.last();
    if (newest) this.newestSeq = Math.max(this.newestSeq, newest.seq);
    if (fresh.length) this.list.prepend(...fresh.map((e) => eventRow(e)));
    while (this.list.childElementCount > EVENTS_KEPT) this.list.lastElementChild!.remove();
    this.empty.hidden = this.list.childElementCount > 0;
    setText(this.buttons.get('all')!, `${FILTER_LABELS.all} (${events.length})`);
  }

  charts(): ChartSummary[] { return []; }
}
