// v1 cpuacct controller: total, user/system and per-CPU usage (no settings).
import { parseFlatKeyed, parseNumber, parseNumberList } from '../parse.js';
import type { StatFills, StatGetter } from '../stats.js';
import type { CgroupStats } from '../types.js';

/** cpuacct.stat counts USER_HZ ticks, which Linux fixes at 100 per second on every architecture. */
const NS_PER_TICK = 10_000_000;

/**
 * The probe is cpuacct.usage (one number, whatever the CPU count). The full read takes
 * cpuacct.usage_all (Linux ≥ 4.7: per-CPU user and system in ns, one file instead of three, with
 * the same totals as cpuacct.usage / usage_percpu); older kernels: cpuacct.stat and usage_percpu.
 */
export const CPUACCT_V1: StatFills = {
  cpu(get, s) { s.cpu.usageNs = parseNumber(get('cpuacct.usage') ?? '') || 0; },
  full: fillUserSystem,
};

function fillUserSystem(get: StatGetter, s: CgroupStats): void {
  const all = get('cpuacct.usage_all');
  if (all !== undefined) return fillFromUsageAll(all, s);
  const stat = parseFlatKeyed(get('cpuacct.stat') ?? '');
  s.cpu.userNs = (stat.user ?? 0) * NS_PER_TICK;
  s.cpu.systemNs = (stat.system ?? 0) * NS_PER_TICK;
  const perCpu = get('cpuacct.usage_percpu');
  if (perCpu !== undefined) s.cpu.perCpuNs = parseNumberList(perCpu);
}

/** `cpu user system` header, then one `<cpu> <user ns> <system ns>` line per CPU. */
function fillFromUsageAll(text: string, s: CgroupStats): void {
  const perCpu: number[] = [];
  let user = 0;
  let system = 0;
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const fields = lines[i].split(' ');
    if (fields.length < 3) continue;
    const u = Number(fields[1]);
    const sys = Number(fields[2]);
    user += u;
    system += sys;
    perCpu.push(u + sys);
  }
  s.cpu.usageNs = user + system;
  s.cpu.userNs = user;
  s.cpu.systemNs = system;
  s.cpu.perCpuNs = perCpu;
}
