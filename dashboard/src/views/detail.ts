// One container in depth: live charts, facts, namespaces (and which are shared with the host),
// policy state, its events and its recent logs. While open it subscribes to the container's own
// channel (`container:<id>`), whose snapshot brings the full summary with namespaces.
import type { ChartSummary } from '../charts.js';
import type { StreamConnection } from '../connection.js';
import { h, setClass, setText } from '../dom.js';
import { formatDuration, formatStatus, shortId } from '../format.js';
import { fetchLogs, LOG_TAIL } from '../logs.js';
import type { ContainerSummary } from '../protocol.js';
import type { Route } from '../router.js';
import type { ContainerState, DashboardState } from '../state.js';
import { ContainerCharts } from './detail-charts.js';
import { containerEvents, factsList, namespacesTable, policySection } from './detail-sections.js';
import type { Schedule, View } from './view.js';

const LOGS_REFRESH_MS = 5000;

export class DetailView implements View {
  readonly root: HTMLElement;
  private readonly title = h('h2', {});
  private readonly status = h('span', {});
  private readonly uptime = h('span', { class: 'muted' });
  private readonly message = h('p', { class: 'empty' });
  private readonly body: HTMLElement;
  private readonly charts_: ContainerCharts;
  private readonly facts = h('div', {});
  private readonly namespaces = h('div', { id: 'detail-namespaces' });
  private readonly policy = h('div', { id: 'detail-policy' });
  private readonly events = h('div', { id: 'detail-events' });
  private readonly logs = h('pre', { id: 'detail-logs', class: 'logs' });
  private readonly logsStatus = h('span', { class: 'muted' });
  private key = '';
  private channel: `container:${string}` | undefined;
  private drawnSummary: ContainerSummary | undefined;
  private drawnEvents = -1;
  private drawnSamples = -1;
  private drawnStatus = '';
  private logsAbort: AbortController | undefined;
  private logsTimer: number | undefined;

  constructor(private readonly state: DashboardState, private readonly connection: StreamConnection, schedule: Schedule) {
    this.charts_ = new ContainerCharts(schedule);
    const refresh = h('button', { type: 'button', id: 'logs-refresh' }, 'Refresh');
    refresh.addEventListener('click', () => this.loadLogs());
    const panel = (title: string, ...content: HTMLElement[]) => h('section', { class: 'panel' }, h('h3', {}, title), ...content);
    this.body = h('div', {},
      this.charts_.root,
      h('div', { class: 'panels' },
        panel('Facts', this.facts),
        panel('Namespaces', this.namespaces),
        panel('Policy', this.policy),
        panel('Events', this.events)),
      h('section', { class: 'panel' },
        h('div', { class: 'section-head' }, h('h3', {}, `Logs (last ${LOG_TAIL} lines)`), this.logsStatus, refresh),
        this.logs));
    this.root = h('div', { id: 'view-container', class: 'view' },
      h('div', { class: 'detail-head' }, h('a', { href: '#/', class: 'back' }, '← all containers'), this.title, this.status, this.uptime),
      this.message, this.body);
  }

  enter(route: Route): void {
    if (route.view !== 'container') return;
    this.key = route.id;
    this.channel = `container:${route.id}`;
    this.connection.subscribe([this.channel]);
    this.drawnSummary = undefined;
    this.drawnEvents = -1;
    this.drawnSamples = -1;
    this.drawnStatus = '';
    this.charts_.clear();
    this.logs.textContent = '';
    this.loadLogs();
    // A running container keeps writing: refresh its tail now and then while the view is open.
    this.logsTimer = window.setInterval(() => {
      if (this.current()?.summary.status === 'running' && !document.hidden) this.loadLogs();
    }, LOGS_REFRESH_MS);
  }

  leave(): void {
    if (this.channel) this.connection.unsubscribe([this.channel]);
    this.channel = undefined;
    this.state.detailClosed(this.key);
    this.logsAbort?.abort();
    window.clearInterval(this.logsTimer);
  }

  private current(): ContainerState | undefined { return this.state.find(this.key); }

  render(now: number): void {
    const c = this.current();
    this.body.hidden = !c;
    this.message.hidden = !!c;
    if (!c) {
      const known = this.state.detailSnapshots.get(this.key);
      setText(this.title, shortId(this.key));
      setText(this.message, known === false ? `No container "${this.key}": it was removed, or never existed.` : 'Loading…');
      return;
    }
    const s = c.summary;
    setText(this.title, s.name);
    setText(this.status, formatStatus(s));
    setClass(this.status, `status status-${s.status}`);
    const started = s.startedAt ? Date.parse(s.startedAt) : NaN;
    setText(this.uptime, s.status === 'running' && Number.isFinite(started) ? `up ${formatDuration(now - started)}` : '');
    if (this.drawnSamples !== this.state.revisions.samples) {
      this.drawnSamples = this.state.revisions.samples;
      this.charts_.render(c, this.state.intervalMs);
    }
    if (this.drawnSummary !== s || this.drawnEvents !== this.state.revisions.events) {
      this.facts.replaceChildren(factsList(s));
      this.namespaces.replaceChildren(namespacesTable(s));
      this.policy.replaceChildren(policySection(s, this.state.policy));
      this.events.replaceChildren(containerEvents(this.state.events, s));
      if (this.drawnStatus && this.drawnStatus !== s.status) this.loadLogs(); // it exited or restarted: new lines
      this.drawnSummary = s;
      this.drawnStatus = s.status;
      this.drawnEvents = this.state.revisions.events;
    }
  }

  private loadLogs(): void {
    this.logsAbort?.abort();
    const abort = new AbortController();
    this.logsAbort = abort;
    const id = this.current()?.summary.id ?? this.key;
    setText(this.logsStatus, 'loading…');
    fetchLogs(id, LOG_TAIL, abort.signal).then((text) => {
      const atBottom = this.logs.scrollTop + this.logs.clientHeight >= this.logs.scrollHeight - 4;
      setText(this.logs, text || '(no output)');
      setText(this.logsStatus, `fetched at ${new Date().toLocaleTimeString()}`);
      if (atBottom) this.logs.scrollTop = this.logs.scrollHeight; // follow the tail unless the reader scrolled up
    }, (err: Error) => {
      if (abort.signal.aborted) return;
      setText(this.logsStatus, err.message);
    });
  }

  charts(): ChartSummary[] { return this.current() ? this.charts_.charts() : []; }
}
