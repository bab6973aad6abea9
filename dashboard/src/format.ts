// Human formats of the figures, following `docker stats`: memory in binary units (MiB), I/O rates
// in decimal units (kB/s), CPU as percent of one core.
const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB'];

function scaled(value: number, base: number, units: string[]): string {
  if (!Number.isFinite(value)) return '–';
  let v = Math.abs(value);
  let i = 0;
  while (v >= base && i < units.length - 1) { v /= base; i++; }
  const digits = i === 0 || v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${value < 0 ? '-' : ''}${v.toFixed(digits)} ${units[i]}`;
}

export function formatBytes(bytes: number): string { return scaled(bytes, 1024, BINARY); }

export function formatRate(bytesPerSecond: number): string { return `${scaled(bytesPerSecond, 1000, DECIMAL)}/s`; }

/** `cores` of CPU as docker's CPU %: 100 % is one full core. */
export function formatCpuPercent(cores: number): string {
  if (!Number.isFinite(cores)) return '–';
  return `${(cores * 100).toFixed(cores * 100 >= 100 ? 0 : 1)}%`;
}

export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio)) return '–';
  return `${(ratio * 100).toFixed(1)}%`;
}

/** "12.3 MiB / 64 MiB", or "12.3 MiB / –" when there is no limit (0). */
export function formatUsage(bytes: number, limit: number): string {
  return `${formatBytes(bytes)} / ${limit > 0 ? formatBytes(limit) : '–'}`;
}

/** A compact duration: "45s", "3m 12s", "2h 5m", "4d 3h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function shortId(id: string): string { return id.slice(0, 12); }

/** The agent's own cost: CPU share (cores), resident memory, the last tick, and its stride when over its CPU budget. */
export function formatAgentCost(cpuCores: number, agent: { rssBytes: number; sampleDurationSeconds: number; sampleStride: number }): string {
  const text = `${(cpuCores * 100).toFixed(1)}% CPU · ${formatBytes(agent.rssBytes)} RSS · sampling ${(agent.sampleDurationSeconds * 1000).toFixed(1)} ms`;
  return agent.sampleStride > 1 ? `${text} · over its CPU budget: busy containers' figures other than CPU every ${agent.sampleStride} samples` : text;
}

/** "running", "running (healthy)", or with the last exit code: "exited (137)", "restarting (1)". */
export function formatStatus(c: { status: string; exitCode?: number; health?: string }): string {
  if ((c.status === 'exited' || c.status === 'restarting') && c.exitCode !== undefined) return `${c.status} (${c.exitCode})`;
  return c.status === 'running' && c.health ? `running (${c.health})` : c.status;
}

/** The local wall-clock time of an ISO or epoch-ms time, "14:03:27". */
export function formatClock(time: string | number): string {
  const d = new Date(time);
  if (Number.isNaN(d.getTime())) return '–';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A round axis maximum at or above `value`: 1, 2, 2.5, 5 × 10^k (never 0, so axes stay fixed). */
export function niceCeil(value: number, floor = 1e-9): number {
  const v = Math.max(value, floor);
  const exp = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * exp >= v * (1 - 1e-12)) return step * exp;
  return 10 * exp;
}
