// Output like docker's: 12-character ids, "Up 15 seconds", "Exited (137) 6 minutes ago",
// quoted and shortened commands, and tables laid out like Go's tabwriter with docker's settings
// (minimum cell width 10, padding 3, last column unpadded).
import type { ContainerInfo } from '../runtime/types.js';

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
    case 'running': return `Up ${since(c.startedAt, now)}`;
    case 'paused': return `Up ${since(c.startedAt, now)} (Paused)`;
    case 'stopping': return `Up ${since(c.startedAt, now)} (Stopping)`;
    case 'removing': return 'Removal In Progress';
    case 'exited': return c.exit ? `Exited (${c.exit.exitCode}) ${since(c.exit.finishedAt, now)} ago` : 'Exited';
  }
}

export const createdText = (c: ContainerInfo, now: number): string => `${since(c.createdAt, now)} ago`;

/** docker ps's COMMAND column: the command line, at most 20 characters, quoted. */
export function commandText(cmd: string[], truncate = true): string {
  const line = cmd.join(' ');
  const chars = [...line];
  return JSON.stringify(truncate && chars.length > 20 ? `${chars.slice(0, 19).join('')}…` : line);
}

export function table(headers: string[], rows: string[][]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, col) => Math.max(10, ...all.map((r) => [...(r[col] ?? '')].length + 3)));
  return all.map((r) => r.map((cell, col) => (col === r.length - 1 ? cell : pad(cell, widths[col]!))).join('')).join('\n') + '\n';
}

function pad(cell: string, width: number): string { return cell + ' '.repeat(Math.max(0, width - [...cell].length)); }

export function psRow(c: ContainerInfo, now: number, truncate = true): string[] {
  return [truncate ? shortId(c.id) : c.id, c.spec.image ?? '', commandText(c.spec.cmd ?? [], truncate), createdText(c, now), statusText(c, now), c.name];
}

export const PS_HEADERS = ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'NAMES'];

/** `ps --format json`: one object per line with docker's keys. */
export function psJson(c: ContainerInfo, now: number): string {
  return JSON.stringify({
    ID: shortId(c.id), Names: c.name, Image: c.spec.image ?? '', Command: commandText(c.spec.cmd ?? [], false),
    CreatedAt: c.createdAt, RunningFor: createdText(c, now), State: c.status, Status: statusText(c, now),
    Labels: Object.entries(c.spec.labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
    Pid: c.pid, ExitCode: c.exit?.exitCode ?? null,
  });
}
