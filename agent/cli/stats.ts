// `berth stats [--no-stream] [--format json] [ID…]`: docker stats' columns from the agent's
// latest samples (GET /v1/stats). CPU % comes already derived from two samples by the sampler, so
// --no-stream answers at once instead of waiting a second for a second reading like docker.
import type { ContainerInfo } from '../runtime/types.js';
import type { ContainerSample, HostSample } from '../sampler/types.js';
import { usageError } from './args.js';
import type { CliContext, Command } from './command.js';
import { shortId, table } from './format.js';
import { formatBytes, formatDecimalBytes } from './units.js';

export const STATS_HEADERS = ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'];
const CLEAR_SCREEN = '\x1b[2J\x1b[H';
const REFRESH_MS = 1000;

interface StatsBody { host: HostSample | null; containers: ContainerSample[] }

export interface StatsLine {
  BlockIO: string; CPUPerc: string; Container: string; ID: string; MemPerc: string; MemUsage: string; Name: string; NetIO: string; PIDs: string;
}

/** One row of docker stats; `shown` is what the user asked for (id or name), like docker's Container. */
export function statsLine(s: ContainerSample, hostMemoryBytes: number, shown = s.id): StatsLine {
  const mem = s.stats.memory;
  const limit = mem.limitBytes > 0 ? mem.limitBytes : hostMemoryBytes;
  let rx = 0;
  let tx = 0;
  for (const itf of s.network) if (itf.name !== 'lo') { rx += itf.rxBytes; tx += itf.txBytes; }
  return {
    BlockIO: `${formatDecimalBytes(s.stats.io.readBytes)} / ${formatDecimalBytes(s.stats.io.writeBytes)}`,
    CPUPerc: `${s.cpu.percent.toFixed(2)}%`,
    Container: shown,
    ID: shortId(s.id),
    MemPerc: `${(limit > 0 ? (mem.workingSetBytes / limit) * 100 : 0).toFixed(2)}%`,
    MemUsage: `${formatBytes(mem.workingSetBytes)} / ${formatBytes(limit)}`,
    Name: s.name,
    NetIO: `${formatDecimalBytes(rx)} / ${formatDecimalBytes(tx)}`,
    PIDs: String(s.threads),
  };
}

const row = (l: StatsLine): string[] => [l.ID, l.Name, l.CPUPerc, l.MemUsage, l.MemPerc, l.NetIO, l.BlockIO, l.PIDs];

/** Containers to show: every running one, or the named ones (resolved by the agent: unknown → NOT_FOUND). */
async function selection(ctx: CliContext, args: string[]): Promise<Map<string, string> | undefined> {
  if (args.length === 0) return undefined;
  const chosen = new Map<string, string>();
  for (const a of args) chosen.set((await ctx.client().call<ContainerInfo>('GET', `/v1/containers/${encodeURIComponent(a)}`)).id, a);
  return chosen;
}

function render(body: StatsBody, chosen: Map<string, string> | undefined, json: boolean): string {
  const hostMem = body.host?.memoryTotalBytes ?? 0;
  const samples = body.containers
    .filter((s) => !chosen || chosen.has(s.id))
    .sort((a, b) => a.name.localeCompare(b.name));
  const lines = samples.map((s) => statsLine(s, hostMem, chosen?.get(s.id) ?? s.id));
  return json ? lines.map((l) => `${JSON.stringify(l)}\n`).join('') : table(STATS_HEADERS, lines.map(row));
}

export const stats: Command = {
  name: 'stats', usage: 'stats [OPTIONS] [CONTAINER...]', summary: 'Display a live stream of container resource usage statistics',
  flags: [
    { name: 'no-stream', kind: 'bool', help: 'print the current figures once and exit' },
    { name: 'format', kind: 'string', value: 'FORMAT', help: 'json: one JSON object per container and refresh' },
  ],
  async run(ctx, p) {
    const format = p.str('format');
    if (format !== undefined && format !== 'json' && format !== 'table') throw usageError('berth stats', `--format: "${format}" is not supported; use json or table`, '--format');
    const json = format === 'json';
    const chosen = await selection(ctx, p.args);
    const once = async (): Promise<string> => render(await ctx.client().call<StatsBody>('GET', '/v1/stats'), chosen, json);
    if (p.bool('no-stream')) {
      ctx.out(await once());
      return 0;
    }
    const clear = !json && process.stdout.isTTY === true;
    let stopped = false;
    let wake: () => void = () => undefined;
    const stopSignals = ctx.onSignal(() => { stopped = true; wake(); });
    try {
      while (!stopped) {
        const text = await once();
        ctx.out(clear ? CLEAR_SCREEN + text : text);
        // The refresh interval of a live display, not synchronisation: a signal cuts it short.
        await new Promise<void>((resolve) => { wake = resolve; setTimeout(resolve, REFRESH_MS).unref(); });
      }
    } finally {
      stopSignals();
    }
    return 0;
  },
};
