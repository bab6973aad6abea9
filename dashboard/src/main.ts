// The dashboard's composition root: state, the stream connection, the views, the router and the
// render loop are created and wired here; no other file starts anything.
import { registerChartParts } from './charts.js';
import { StreamConnection, type ConnectionStatus } from './connection.js';
import { byId, setText } from './dom.js';
import { NamespaceFiller } from './namespace-filler.js';
import { RenderLoop, type RenderStats } from './render-loop.js';
import { parseRoute, type Route } from './router.js';
import { DashboardState } from './state.js';
import { DetailView } from './views/detail.js';
import { EventsView } from './views/events.js';
import { IsolationView } from './views/isolation.js';
import { OverviewView } from './views/overview.js';
import type { View } from './views/view.js';

function streamUrl(loc: Location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/v1/stream`;
}

function start(): void {
  registerChartParts();
  const state = new DashboardState();
  let route: Route = { view: 'overview' };
  let shown = false;
  let connection = { status: 'connecting' as ConnectionStatus, detail: '' };

  const statusEl = byId('connection');
  const loop = new RenderLoop((now) => views[route.view].render(now));
  const invalidate = () => loop.invalidate();
  const filler = new NamespaceFiller(state, invalidate);
  const stream = new StreamConnection({
    url: streamUrl(location),
    onMessage: (msg) => {
      state.apply(msg);
      filler.check();
      invalidate();
    },
    onStatus: (status, detail) => {
      connection = { status, detail };
      setText(statusEl, status === 'open' ? 'live' : status === 'connecting' ? 'connecting…' : 'disconnected');
      statusEl.className = `conn conn-${status}`;
      statusEl.title = detail;
    },
  });

  const schedule = (key: string, task: () => void) => loop.enqueue(key, task);
  const views: Record<Route['view'], View> = {
    overview: new OverviewView(state, invalidate, schedule),
    container: new DetailView(state, stream, schedule),
    isolation: new IsolationView(state),
    events: new EventsView(state, invalidate),
  };
  const main = byId('main');
  for (const v of Object.values(views)) {
    v.root.hidden = true;
    main.append(v.root);
  }

  const show = (next: Route) => {
    if (shown) {
      views[route.view].leave();
      views[route.view].root.hidden = true;
      loop.tasks.clear(); // chart updates queued for the view being left
    }
    shown = true;
    route = next;
    const view = views[route.view];
    view.root.hidden = false;
    view.enter(route);
    for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a[data-view]')) {
      a.classList.toggle('active', a.dataset.view === (route.view === 'container' ? 'overview' : route.view));
    }
    loop.invalidate();
  };
  window.addEventListener('hashchange', () => show(parseRoute(location.hash)));

  // The debug hook the browser tests read (and a person can use from the console).
  window.__berth = {
    state,
    route: () => route,
    connection: () => ({ ...connection, channels: stream.channels }),
    charts: () => views[route.view].charts(),
    render: () => loop.stats(),
  };

  stream.subscribe(['host', 'containers', 'events']);
  stream.connect();
  show(parseRoute(location.hash));
}

declare global {
  interface Window {
    __berth?: {
      state: DashboardState;
      route: () => Route;
      connection: () => { status: ConnectionStatus; detail: string; channels: string[] };
      charts: () => ReturnType<View['charts']>;
      render: () => RenderStats;
    };
  }
}

start();
