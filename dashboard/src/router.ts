// Views are addressed by the URL hash so a detail page can be bookmarked and the back button
// works: #/ (overview), #/containers/<id>, #/isolation, #/events.
export type Route =
  | { view: 'overview' }
  | { view: 'container'; id: string }
  | { view: 'isolation' }
  | { view: 'events' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\/+/, '').split('/').map(decodeURIComponent);
  switch (path[0]) {
    case 'containers': return path[1] ? { view: 'container', id: path[1] } : { view: 'overview' };
    case 'isolation': return { view: 'isolation' };
    case 'events': return { view: 'events' };
    default: return { view: 'overview' };
  }
}

export function routeHash(route: Route): string {
  return route.view === 'container' ? `#/containers/${encodeURIComponent(route.id)}` : route.view === 'overview' ? '#/' : `#/${route.view}`;
}
