// Output like docker's: 12-character ids, "Up 15 seconds", "Exited (137) 6 minutes ago",
// quoted and shortened commands, and tables laid out like Go's tabwriter with docker's settings
// (minimum cell width 10, padding 3, last column unpadded).
import { dockerState, type ContainerInfo } from '../runtime/types.js';

export const shortId = (id: string): string => id.slice(0, 12);

/** docker/go-units HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

const since = (iso: string | undefined, now: number) => humanDuration(Math.max(0, now - Date.parse(iso ?? '')));

export function statusText(c: ContainerInfo, now: number): string {
  switch (c.status) {
    case 'created': return 'Created';
    case 'running': return `Up ${since(c.startedAt, now)}${healthText(c)}`;
    case 'paused': return `Up ${since(c.startedAt, now)} (Paused)`;
    case 'stopping': return `Up ${since(c.startedAt, now)} (Stopping)`;
    case 'removing': return 'Removal In Progress';
    case 'exited': {
      if (!c.exit) return 'Exited';
      return `${dockerState(c) === 'restarting' ? 'Restarting' : 'Exited'} (${c.exit.exitCode}) ${since(c.exit.finishedAt, now)} ago`;
    }
  }
}

/** docker's suffix: " (healthy)", " (unhealthy)", " (health: starting)"; nothing without a healthcheck. */
function healthText(c: ContainerInfo): string {
  const status = c.health?.status;
  if (!status) return '';
  return status === 'starting' ? ' (health: starting)' : ` (${status})`;
}

export const createdText = (c: ContainerInfo, now: number): string => `${since(c.createdAt, now)} ago`;

/** docker ps's COMMAND column: the command line, at most 20 characters, quoted. */
export function commandText(cmd: string[], truncate = true): string {
  const line = cmd.join(' ');
  const chars = [...line];
  return JSON.stringify(truncate && chars.length > 20 ? `${chars.slice(0, 19).join('')}…` : line);
}

export function table(headers: string[], rows: string[][]): string {
  return alignCells([headers, ...rows]) + '\n';
}

/**
 * Lines of cells laid out like Go's tabwriter with docker's settings: every cell but a line's last
 * is padded to its column's width, which is the widest cell + 3 (at least 10) over the run of
 * consecutive lines that have a cell there (a column block).
 */
export function alignCells(lines: string[][]): string {
  const width = (cell: string) => [...cell].length;
  const out = lines.map((cells) => [...cells]);
  const columns = Math.max(0, ...lines.map((cells) => cells.length - 1));
  for (let col = 0; col < columns; col++) {
    for (let start = 0; start < lines.length;) {
      if (lines[start]!.length - 1 <= col) { start++; continue; }
      let end = start;
      while (end < lines.length && lines[end]!.length - 1 > col) end++;
      const w = Math.max(10, ...lines.slice(start, end).map((cells) => width(cells[col]!) + 3));
      for (let i = start; i < end; i++) out[i]![col] += ' '.repeat(w - width(lines[i]![col]!));
      start = end;
    }
  }
  return out.map((cells) => cells.join('')).join('\n');
}

export function psRow(c: ContainerInfo, now: number, truncate = true): string[] {
  return [truncate ? shortId(c.id) : c.id, c.spec.image ?? '', commandText(c.spec.cmd ?? [], truncate), createdText(c, now), statusText(c, now), c.name];
}

export const PS_HEADERS = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'NAMES'];

/** A ps row's fields under docker's names: `--format json` prints them, templates read them. */
export function psFields(c: ContainerInfo, now: number, truncate = true) {
  const labels = c.spec.labels ?? {};
  return {
    ID: truncate ? shortId(c.id) : c.id, Names: c.name, Image: c.spec.image ?? '', Command: commandText(c.spec.cmd ?? [], truncate),
    CreatedAt: c.createdAt, RunningFor: createdText(c, now), State: dockerState(c), Status: statusText(c, now),
    Labels: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(','),
    /** `{{.Label "key"}}`; a function, so JSON leaves it out. */
    Label: (key: string): string => labels[key] ?? '',
    Mounts: (c.spec.mounts ?? []).map((m) => m.source ?? m.target).join(','),
    Networks: c.spec.namespaces?.net === 'host' ? 'host' : 'none',
    // No published ports (no bridge), so docker's column is empty: `table {{.Names}}\t{{.Ports}}` still works.
    Ports: '',
    Pid: c.pid, ExitCode: c.exit?.exitCode ?? null,
  };
}

/** The column names `--format 'table …'` heads each field with, like docker's. */
export const PS_FIELD_HEADERS: Record<keyof ReturnType<typeof psFields>, unknown> = {
  ID: 'CONTAINER ID', Names: 'NAMES', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED',
  State: 'STATE', Status: 'STATUS', Labels: 'LABELS', Label: (_key: string) => 'LABEL', Mounts: 'MOUNTS', Networks: 'NETWORKS',
  Ports: 'PORTS', Pid: 'PID', ExitCode: 'EXIT CODE',
};
