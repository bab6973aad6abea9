// `events` for scripts written for docker: `--filter event=die` (docker's action names),
// `--filter container=web`, `--filter type=container`, and templates that read docker's fields
// (`{{.Action}}`, `{{.Actor.Attributes.name}}`, `{{.Actor.Attributes.exitCode}}`, `{{.Time}}` …)
// beside berth's own (`{{.kind}}`, `{{.containerName}}`).
import type { BerthEvent } from '../events/index.js';
import { usageError } from './args.js';

/** berth's container event kinds under docker's action names. */
const ACTIONS: Record<string, string> = {
  'container.created': 'create', 'container.started': 'start', 'container.exited': 'die', 'container.removed': 'destroy',
  'container.paused': 'pause', 'container.resumed': 'unpause', 'container.oom': 'oom', 'container.renamed': 'rename',
  'container.updated': 'update', 'container.health': 'health_status', 'container.exec': 'exec_start', 'container.exec_exited': 'exec_die',
  'container.attached': 'attach', 'container.detached': 'detach',
};

/** docker's Type: container events are "container"; berth's policy and agent events are their own. */
function typeOf(e: BerthEvent): string {
  return e.kind.startsWith('container.') ? 'container' : e.kind.split('.')[0]!;
}

export function dockerEventView(e: BerthEvent): Record<string, unknown> {
  const action = ACTIONS[e.kind] ?? e.kind;
  const ms = Date.parse(e.time);
  const exitCode = e.kind === 'container.exited' && typeof e.data?.exitCode === 'number' ? { exitCode: String(e.data.exitCode) } : {};
  return {
    Type: typeOf(e), Action: action, Status: action, ID: e.containerId ?? '', Scope: 'local',
    Actor: { ID: e.containerId ?? '', Attributes: { ...(e.containerName ? { name: e.containerName } : {}), ...exitCode } },
    Time: Math.floor(ms / 1000), TimeNano: ms * 1e6,
  };
}

/** docker's --filter KEY=VALUE of events (type, event, container); values of one key are alternatives. */
export function eventFilter(filters: string[]): (e: BerthEvent) => boolean {
  const byKey = new Map<string, string[]>();
  for (const f of filters) {
    const eq = f.indexOf('=');
    const key = f.slice(0, eq);
    if (eq <= 0 || !['type', 'event', 'container'].includes(key)) {
      throw usageError('berth events', `--filter "${f}": use type=container, event=ACTION (docker's: start, die, …) or container=NAME|ID`, '--filter');
    }
    byKey.set(key, [...(byKey.get(key) ?? []), f.slice(eq + 1)]);
  }
  const matches: Record<string, (e: BerthEvent, v: string) => boolean> = {
    type: (e, v) => typeOf(e) === v,
    event: (e, v) => (ACTIONS[e.kind] ?? e.kind) === v || e.kind === v,
    container: (e, v) => e.containerName === v || (v.length > 0 && (e.containerId ?? '').startsWith(v)),
  };
  return (e) => [...byKey].every(([key, values]) => values.some((v) => matches[key]!(e, v)));
}
