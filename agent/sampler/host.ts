// The host's side of a tick: /proc/stat (cores, busy share), /proc/meminfo, /proc/loadavg, and the
// agent's own CPU seconds and RSS. Parsers are pure; HostReader keeps the three files open.
import { OpenFile, type ScratchBuffer } from './open-file.js';

export interface ProcStat { cpuCores: number; busyTicks: number; totalTicks: number }
export interface MemInfo { totalBytes: number; availableBytes: number; swapTotalBytes: number }
export interface LoadAvg { load1: number; load5: number; load15: number }
export interface HostReading { stat: ProcStat; mem: MemInfo; load: LoadAvg }

/** The aggregate `cpu ` line gives busy/total ticks; each `cpuN` line is one online core. */
export function parseProcStat(text: string): ProcStat {
  let cpuCores = 0;
  let busyTicks = 0;
  let totalTicks = 0;
  let sawAggregate = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith('cpu')) continue;
    if (line.startsWith('cpu ')) {
      // user nice system idle iowait irq softirq steal guest guest_nice; guest time is already in user/nice
      const f = line.slice(4).trim().split(/\s+/).map(Number);
      if (f.length < 4 || f.some(Number.isNaN)) throw new Error(`unexpected cpu line "${line}"`);
      const ticks = f.slice(0, 8);
      totalTicks = ticks.reduce((a, b) => a + b, 0);
      busyTicks = totalTicks - f[3] - (f[4] ?? 0);
      sawAggregate = true;
    } else if (line.charCodeAt(3) >= 48 && line.charCodeAt(3) <= 57) {
      cpuCores++;
    }
  }
  if (!sawAggregate) throw new Error('no aggregate "cpu " line');
  return { cpuCores, busyTicks, totalTicks };
}

export function parseMeminfo(text: string): MemInfo {
  const kb = (key: string): number => {
    const at = text.indexOf(`${key}:`);
    if (at < 0) return NaN;
    return Number.parseInt(text.slice(at + key.length + 1, text.indexOf('\n', at)).trim(), 10) * 1024;
  };
  const totalBytes = kb('MemTotal');
  if (Number.isNaN(totalBytes)) throw new Error('no MemTotal line');
  const available = kb('MemAvailable'); // absent before Linux 3.14: fall back to MemFree
  const swap = kb('SwapTotal'); // absent without swap support in the kernel
  return { totalBytes, availableBytes: Number.isNaN(available) ? kb('MemFree') : available, swapTotalBytes: Number.isNaN(swap) ? 0 : swap };
}

export function parseLoadavg(text: string): LoadAvg {
  const [load1, load5, load15] = text.trim().split(' ', 3).map(Number);
  if ([load1, load5, load15].some((v) => v === undefined || Number.isNaN(v))) throw new Error(`unexpected content "${text.trim()}"`);
  return { load1, load5, load15 };
}

/** Busy share of the whole host between two readings, 0..100. */
export function hostCpuPercent(prev: ProcStat | undefined, cur: ProcStat): number {
  if (!prev) return 0;
  const total = cur.totalTicks - prev.totalTicks;
  return total > 0 ? Math.min(100, Math.max(0, ((cur.busyTicks - prev.busyTicks) / total) * 100)) : 0;
}

export class HostReader {
  private readonly files: { stat: OpenFile; mem: OpenFile; load: OpenFile };

  constructor(procRoot: string) {
    const must = (name: string): OpenFile => {
      const f = OpenFile.open(`${procRoot}/${name}`);
      if (!f) throw new Error(`open ${procRoot}/${name}: ENOENT`);
      return f;
    };
    this.files = { stat: must('stat'), mem: must('meminfo'), load: must('loadavg') };
  }

  read(scratch: ScratchBuffer): HostReading {
    return {
      stat: parseWith(this.files.stat, scratch, parseProcStat),
      mem: parseWith(this.files.mem, scratch, parseMeminfo),
      load: parseWith(this.files.load, scratch, parseLoadavg),
    };
  }

  close(): void {
    for (const f of Object.values(this.files)) f.close();
  }
}

function parseWith<T>(file: OpenFile, scratch: ScratchBuffer, parse: (text: string) => T): T {
  const n = file.read(scratch);
  if (n < 0) throw new Error(`read ${file.path}: ENOENT`);
  try {
    return parse(scratch.text(n));
  } catch (err) {
    throw new Error(`parse ${file.path}: ${(err as Error).message}`, { cause: err });
  }
}
