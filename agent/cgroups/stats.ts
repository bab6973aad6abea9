// The version-neutral stats reader: a list of per-controller sources, each filling its part of
// one CgroupStats. Reads are split into parts by how often their figures can move, so the sampler
// can read a cheap probe every tick and the rest only when it can have changed (sampler/cadence.ts):
//   cpu        CPU usage: the activity probe, read for every container on every tick.
//   active     figures that move only while the container runs (memory usage, pids, v1 throttling).
//   memoryStat the memory.stat breakdown (working set, rss, cache, faults): the costliest file.
//   full       everything else (limits, peaks, OOM, block I/O, pressure, v1 user/system split).
// The first two are read on most ticks, so their files are HotFiles: a held descriptor and the
// figures parsed from the bytes read; the others go through the text of the file.
// A read refreshes only its part of `into`; the other figures keep their last values.
import type { SettingsEpoch } from './settings-epoch.js';
import { HotFile, type StatFileSet } from './stat-file.js';
import type { CgroupStats, CgroupStatsReader, IoDevice, StatsPart } from './types.js';

export const STATS_PARTS: readonly StatsPart[] = ['cpu', 'active', 'memoryStat', 'full'];

/** The parts read through HotFiles, and those read as text. */
export type HotPart = 'cpu' | 'active';
export type TextPart = Exclude<StatsPart, HotPart>;
const TEXT_PARTS: readonly TextPart[] = ['memoryStat', 'full'];

export interface StatSource {
  /** The parts this source has figures for. */
  readonly parts: ReadonlySet<TextPart>;
  /** False when the cgroup is gone. */
  fill(part: TextPart, stats: CgroupStats): boolean;
  close(): void;
}

/** Reads one stat file by name: its text, or undefined when absent (or the cgroup is gone). */
export type StatGetter = (name: string) => string | undefined;

type Fill = (get: StatGetter, stats: CgroupStats) => void;

/** A file read as bytes (parse-bytes.ts) through a HotFile: one per controller and hot part. */
export interface ByteFill {
  file: string;
  /** False to skip the read this time (v1 throttling while no quota is set). */
  due?(stats: CgroupStats): boolean;
  /** `length` is 0 when the file is absent (a controller that is off): the figures are then 0. */
  parse(bytes: Uint8Array, length: number, stats: CgroupStats): void;
}

/** What one controller fills for each part it has figures in. */
export interface StatFills {
  cpu?: ByteFill;
  active?: ByteFill;
  memoryStat?: Fill;
  full?: Fill;
}

/** The HotFiles of one reader, per hot part. */
export type HotFiles = Record<HotPart, HotFile[]>;

export function emptyStats(): CgroupStats {
  return {
    cpu: { usageNs: 0, userNs: 0, systemNs: 0, periods: 0, throttledPeriods: 0, throttledNs: 0, burstPeriods: 0, burstNs: 0 },
    memory: {
      usageBytes: 0, workingSetBytes: 0, inactiveFileBytes: 0, activeFileBytes: 0, rssBytes: 0, cacheBytes: 0, swapBytes: 0, mappedFileBytes: 0,
      maxUsageBytes: 0, failcnt: 0, kernelBytes: 0, fileDirtyBytes: 0, fileWritebackBytes: 0, workingsetRefaultAnon: 0, workingsetRefaultFile: 0,
      limitBytes: 0, swapLimitBytes: 0, reservationBytes: 0, pgfault: 0, pgmajfault: 0, oomEvents: 0, oomKills: 0, underOom: false,
    },
    pids: { current: 0, limit: 0 },
    io: { readBytes: 0, writeBytes: 0, reads: 0, writes: 0, devices: [] },
    spec: { cpuQuotaUs: 0, cpuPeriodUs: 0, cpuShares: 0 },
  };
}

/** A copy that shares nothing mutable with `s` (samples in the history must not change later). */
export function copyStats(s: CgroupStats): CgroupStats {
  const copy: CgroupStats = { cpu: { ...s.cpu }, memory: { ...s.memory }, pids: { ...s.pids }, io: { ...s.io }, spec: { ...s.spec } };
  if (s.cpu.perCpuNs) copy.cpu.perCpuNs = s.cpu.perCpuNs.slice();
  if (s.pressure) copy.pressure = { ...s.pressure };
  return copy;
}

/**
 * Sets the io figures from a read's `devices` and their sums. Counters that did not move keep the
 * previous array (already named by the sampler), so samples in the history can share it.
 */
export function setIoDevices(s: CgroupStats, devices: IoDevice[]): void {
  if (sameIoCounters(s.io.devices, devices)) return;
  const io = { readBytes: 0, writeBytes: 0, reads: 0, writes: 0, devices };
  for (const d of devices) {
    io.readBytes += d.readBytes;
    io.writeBytes += d.writeBytes;
    io.reads += d.reads;
    io.writes += d.writes;
  }
  s.io = io;
}

function sameIoCounters(a: readonly IoDevice[], b: readonly IoDevice[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.major !== y.major || x.minor !== y.minor || x.readBytes !== y.readBytes || x.writeBytes !== y.writeBytes
      || x.reads !== y.reads || x.writes !== y.writes) return false;
  }
  return true;
}

/**
 * Working set as cAdvisor and docker stats define it: usage minus inactive file cache, floor 0.
 * Recomputed whenever usage is read, with the inactive file figure of the last memory.stat read.
 */
export function updateWorkingSet(m: CgroupStats['memory']): void {
  m.workingSetBytes = Math.max(0, m.usageBytes - (m.inactiveFileBytes || 0));
}

/** Every part at once into fresh stats: null when the cgroup is gone. */
export function readAllStats(reader: CgroupStatsReader): CgroupStats | null {
  const stats = emptyStats();
  for (const part of STATS_PARTS) if (!reader.read(part, stats)) return null;
  return stats;
}

export class CompositeStatsReader implements CgroupStatsReader {
  private closed = false;
  private fullReadAtEpoch: number;
  /**
   * Per part, only the sources that have figures for it. An object with the parts as fields
   * rather than a Map: a field load is the cheapest lookup there is.
   */
  private readonly byPart: Readonly<Record<TextPart, readonly StatSource[]>>;
  /** The probe's one file (the CPU part is one file on v1 and v2), held directly: read on every tick. */
  private readonly cpu: HotFile | undefined;

  /** `settingsEpoch`: the cgroup's SettingsEpochs cell, moved by every update(). */
  constructor(private readonly hot: HotFiles, private readonly sources: StatSource[], private readonly settingsEpoch: SettingsEpoch) {
    this.fullReadAtEpoch = settingsEpoch.value;
    this.cpu = hot.cpu.length === 1 ? hot.cpu[0] : undefined;
    this.byPart = textPartRecord((part) => sources.filter((s) => s.parts.has(part)));
  }

  read(part: StatsPart, into: CgroupStats): boolean {
    if (this.closed) return false;
    if (part === 'cpu') return this.cpu === undefined ? readHot(this.hot.cpu, into) : this.cpu.read(into);
    if (part === 'active') return readHot(this.hot.active, into);
    if (part === 'full') this.fullReadAtEpoch = this.settingsEpoch.value;
    for (const source of this.byPart[part]) if (!source.fill(part, into)) return false;
    return true;
  }

  settingsChanged(): boolean {
    return this.settingsEpoch.value !== this.fullReadAtEpoch;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const source of this.sources) source.close();
  }
}

function readHot(files: readonly HotFile[], into: CgroupStats): boolean {
  for (let i = 0; i < files.length; i++) if (!files[i].read(into)) return false;
  return true;
}

function textPartRecord<T>(of: (part: TextPart) => T): Record<TextPart, T> {
  return { memoryStat: of('memoryStat'), full: of('full') };
}

/** A source built from one StatFileSet and the fills of the controllers that live in it. */
export function fileSource(files: StatFileSet, ...controllers: StatFills[]): StatSource {
  const get: StatGetter = (name) => files.read(name);
  const fills = textPartRecord((part): Fill[] => controllers.flatMap((c) => c[part] ?? []));
  return {
    parts: new Set(TEXT_PARTS.filter((part) => fills[part].length > 0)),
    fill(part, stats) {
      if (files.isGone) return false;
      for (const fill of fills[part]) fill(get, stats);
      return !files.isGone;
    },
    close: () => files.close(),
  };
}

/** The HotFiles, per hot part, of the controllers that live in `files`. */
export function hotFilesOf(files: StatFileSet, ...controllers: StatFills[]): HotFiles {
  const of = (part: HotPart): HotFile[] => controllers.flatMap((c) => { const fill = c[part]; return fill ? [new HotFile(files, fill)] : []; });
  return { cpu: of('cpu'), active: of('active') };
}
