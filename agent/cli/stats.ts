// `berth stats [-a] [--no-stream] [--no-trunc] [--format …] [ID…]`: docker stats' columns from the
// agent's latest samples (GET /v1/stats). CPU % comes already derived from two samples by the
// sampler, so --no-stream answers at once instead of waiting a second for a second reading like docker.
import type { ContainerInfo } from '../runtime/types.js';
import type { ContainerSample, HostSample } from '../sampler/types.js';
import { ownTraffic } from '../sampler/traffic.js';
import type { CliContext, Command } from './command.js';
import { enc } from './each.js';
import { shortId, table } from './format.js';
import { parseListFormat, renderList, type ListFormat } from './output-format.js';
import { formatBytes, formatDecimalBytes } from './units.js';

export const STATS_HEADERS = ['CONTAINER ID', 'NAME', 'CPU %', 'MEM USAGE / LIMIT', 'MEM %', 'NET I/O', 'BLOCK I/O', 'PIDS'];
const CLEAR_SCREEN = '\x1b[2J\x1b[H';
const REFRESH_MS = 1000;

interface StatsBody { host: HostSample | null; containers: ContainerSample[] }

export interface StatsLine {
  BlockIO: string; CPUPerc: string; Container: string; ID: string; MemPerc: string; MemUsage: string; Name: string; NetIO: string; PIDs: string;
}

/** The column names `--format 'table …'` heads each field with, like docker's. */
export const STATS_FIELD_HEADERS: StatsLine = {
  BlockIO: 'BLOCK I/O', CPUPerc: 'CPU %', Container: 'CONTAINER', ID: 'CONTAINER ID', MemPerc: 'MEM %',
  MemUsage: 'MEM USAGE / LIMIT', Name: 'NAME', NetIO: 'NET I/O', PIDs: 'PIDS',
};

/** What a line shows of a container: what the user named it by (docker's Container) and the id's length. */
interface Shown { as?: string; truncate?: boolean }

const identity = (id: string, shown: Shown) => ({ Container: shown.as ?? id, ID: shown.truncate === false ? id : shortId(id) });

/** One row of docker stats. */
export function statsLine(s: ContainerSample, hostMemoryBytes: number, shown: Shown = {}): StatsLine {
  const mem = s.stats.memory;
  const limit = mem.limitBytes > 0 ? mem.limitBytes : hostMemoryBytes;
  const net = ownTraffic(s);
  return {
    BlockIO: `${formatDecimalBytes(s.stats.io.readBytes)} / ${formatDecimalBytes(s.stats.io.writeBytes)}`,
    CPUPerc: `${s.cpu.percent.toFixed(2)}%`,
    ...identity(s.id, shown),
    MemPerc: `${(limit > 0 ? (mem.workingSetBytes / limit) * 100 : 0).toFixed(2)}%`,
    MemUsage: `${formatBytes(mem.workingSetBytes)} / ${formatBytes(limit)}`,
    Name: s.name,
    NetIO: `${formatDecimalBytes(net.rxBytes)} / ${formatDecimalBytes(net.txBytes)}`,
    PIDs: String(s.threads),
  };
}

/** A container that is not running (stats -a, or named): docker's zeros. */
export function stoppedLine(c: Pick<ContainerInfo, 'id' | 'name'>, shown: Shown = {}): StatsLine {
  return {
    ...identity(c.id, shown), BlockIO: '0B / 0B', CPUPerc: '0.00%',
    MemPerc: '0.00%', MemUsage: '0B / 0B', Name: c.name, NetIO: '0B / 0B', PIDs: '0',
  };
}

const row = (l: StatsLine): string[] => [l.ID, l.Name, l.CPUPerc, l.MemUsage, l.MemPerc, l.NetIO, l.BlockIO, l.PIDs];

/** Which containers a refresh shows: the running ones (those with a sample), all, or the named ones. */
type Selection =
  | { kind: 'running' }
  | { kind: 'all' }                                        // -a: every container, stopped ones as zeros
  | { kind: 'named'; containers: Map<string, { info: ContainerInfo; as: string }> };

/** The named containers, resolved by the agent (unknown → NOT_FOUND, exit 125). */
async function selection(ctx: CliContext, args: string[], all: boolean): Promise<Selection> {
  if (args.length === 0) return all ? { kind: 'all' } : { kind: 'running' };
  const containers = new Map<string, { info: ContainerInfo; as: string }>();
  for (const a of args) {
    const info = await ctx.client().call<ContainerInfo>('GET', `/v1/containers/${enc(a)}`);
    containers.set(info.id, { info, as: a });
  }
  return { kind: 'named', containers };
}

async function lines(ctx: CliContext, chosen: Selection, truncate: boolean): Promise<StatsLine[]> {
  const body = await ctx.client().call<StatsBody>('GET', '/v1/stats');
  const hostMem = body.host?.memoryTotalBytes ?? 0;
  const sampled = new Map(body.containers.map((s) => [s.id, s]));
  let shown: { info: Pick<ContainerInfo, 'id' | 'name'>; as?: string }[];
  if (chosen.kind === 'named') shown = [...chosen.containers.values()];
  else if (chosen.kind === 'all') shown = (await ctx.client().call<ContainerInfo[]>('GET', '/v1/containers?all=true')).map((info) => ({ info }));
  else shown = body.containers.map((s) => ({ info: s }));
  return shown
    .map(({ info, as }) => {
      const s = sampled.get(info.id);
      return s ? statsLine(s, hostMem, { as, truncate }) : stoppedLine(info, { as, truncate });
    })
    .sort((a, b) => a.Name.localeCompare(b.Name));
}

function render(out: StatsLine[], format: ListFormat): string {
  return format.kind === 'table' ? table(STATS_HEADERS, out.map(row)) : renderList('berth stats', format, out, STATS_FIELD_HEADERS);
}

export const stats: Command = {
  name: 'stats', usage: 'stats [OPTIONS] [CONTAINER...]', summary: 'Display a live stream of container resource usage statistics',
  flags: [
    { name: 'all', short: 'a', kind: 'bool', help: 'show all containers (default: only running ones)' },
    { name: 'no-stream', kind: 'bool', help: 'print the current figures once and exit' },
    { name: 'no-trunc', kind: 'bool', help: 'do not shorten ids' },
    { name: 'format', kind: 'string', value: 'FORMAT', help: 'table, json (one object per container and refresh), a Go template, or table TEMPLATE' },
  ],
  async run(ctx, p) {
    const format = parseListFormat('berth stats', p.str('format'));
    const chosen = await selection(ctx, p.args, p.bool('all'));
    const once = async (): Promise<string> => render(await lines(ctx, chosen, !p.bool('no-trunc')), format);
    if (p.bool('no-stream')) {
      ctx.out(await once());
      return 0;
    }
    const clear = format.kind !== 'json' && process.stdout.isTTY === true;
    let stopped = false;
    let wake: () => void = () => undefined;
    const stopSignals = ctx.onSignal(() => { stopped = true; wake(); });
    try {
      while (!stopped) {
        const text = await once();
        ctx.out(clear ? CLEAR_SCREEN + text : text);
        // The refresh interval of a live display, not synchronisation: a signal cuts it short. The
        // timer keeps the process alive: unref'd, it was all that was left once the agent closed
        // the connection, and node exited silently (code 13) instead of reporting the agent gone.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, REFRESH_MS);
          wake = () => { clearTimeout(timer); resolve(); };
        });
      }
    } finally {
      stopSignals();
    }
    return 0;
  },
};
