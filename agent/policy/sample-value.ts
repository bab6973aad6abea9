// ContainerSample → the typed CEL `sample` value in one pass: the same mapping as sample-view.ts
// followed by the generic converter (cel-types.ts), without the intermediate plain object and the
// per-field converter closures. This runs for every container on every sampler tick, so it is
// written out by hand; test/unit/policy/sample-value.test.ts checks it equals the generic path.
import type { HealthState } from '../runtime/types.js';
import type { ContainerSample } from '../sampler/types.js';
import type { CelClasses } from './cel-fast-types.js';
import { NO_HEALTHCHECK } from './sample-view.js';

type Instance = Record<string, unknown>;
type Make = () => Instance;

/** A CEL double: finite numbers as they are, anything else 0 (the generic converter's rule). */
function num(v: number): number {
  return Number.isFinite(v) ? v : 0;
}

function maker(classes: CelClasses, name: string): Make {
  const Ctor = classes.get(name) as (new () => Instance) | undefined;
  if (!Ctor) throw new Error(`sample converter: CEL type ${name} is not registered`);
  return () => new Ctor();
}

export function createSampleConverter(classes: CelClasses): (s: ContainerSample, health?: HealthState) => Instance {
  const make = {
    sample: maker(classes, 'Sample'), cpu: maker(classes, 'SampleCpu'), memory: maker(classes, 'SampleMemory'),
    pids: maker(classes, 'SamplePids'), io: maker(classes, 'SampleIo'), network: maker(classes, 'SampleNetwork'),
    health: maker(classes, 'SampleHealth'),
  };
  // One shared value for every container without a healthcheck (most): nothing mutates it.
  const noHealthcheck = make.health();
  noHealthcheck.status = NO_HEALTHCHECK.status; noHealthcheck.failingStreak = NO_HEALTHCHECK.failingStreak;
  return (s, health) => {
    const { cpu, memory, pids, io, spec } = s.stats;
    const out = make.sample();
    out.time = num(s.time);
    const c = make.cpu();
    c.cores = num(s.cpu.cores); c.percent = num(s.cpu.percent); c.throttledRatio = num(s.cpu.throttledRatio);
    c.usageSeconds = num(cpu.usageNs / 1e9); c.throttledSeconds = num(cpu.throttledNs / 1e9);
    c.periods = num(cpu.periods); c.throttledPeriods = num(cpu.throttledPeriods);
    c.quotaCores = spec.cpuQuotaUs > 0 && spec.cpuPeriodUs > 0 ? num(spec.cpuQuotaUs / spec.cpuPeriodUs) : 0;
    out.cpu = c;
    const m = make.memory();
    m.usageBytes = num(memory.usageBytes); m.workingSetBytes = num(memory.workingSetBytes); m.rssBytes = num(memory.rssBytes);
    m.cacheBytes = num(memory.cacheBytes); m.swapBytes = num(memory.swapBytes); m.limitBytes = num(memory.limitBytes);
    m.maxUsageBytes = num(memory.maxUsageBytes); m.failcnt = num(memory.failcnt); m.underOom = memory.underOom;
    out.memory = m;
    const p = make.pids();
    p.current = num(pids.current); p.limit = num(pids.limit);
    out.pids = p;
    const i = make.io();
    i.readBytes = num(io.readBytes); i.writeBytes = num(io.writeBytes); i.reads = num(io.reads); i.writes = num(io.writes);
    out.io = i;
    const n = make.network();
    let rx = 0, tx = 0, rxd = 0, txd = 0;
    for (const x of s.network) { rx += x.rxBytes; tx += x.txBytes; rxd += x.rxDropped; txd += x.txDropped; }
    n.rxBytes = num(rx); n.txBytes = num(tx); n.rxDropped = num(rxd); n.txDropped = num(txd);
    out.network = n;
    out.oomEvents = num(memory.oomEvents); out.oomKills = num(memory.oomKills);
    out.processes = num(s.processes); out.threads = num(s.threads);
    if (health) {
      const h = make.health();
      h.status = health.status; h.failingStreak = num(health.failingStreak);
      out.health = h;
    } else {
      out.health = noHealthcheck;
    }
    return out;
  };
}
