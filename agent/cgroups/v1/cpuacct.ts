// v1 cpuacct controller: total, user/system and per-CPU usage (no settings).
import { parseFlatKeyed, parseNumberList } from '../parse.js';
import { parseUintBytes } from '../parse-bytes.js';
import type { StatFills, StatGetter } from '../stats.js';
import type { CgroupStats } from '../types.js';

/** cpuacct.stat counts USER_HZ ticks, which Linux fixes at 100 per second on every architecture. */
const NS_PER_TICK = 10_000_000;

/**
 * The probe is cpuacct.usage (one number, whatever the CPU count), and it alone sets the total.
 * The full read adds usage_percpu (the same scheduler counter, per CPU) and the user/system
 * split. That split is sampled at the timer tick in current kernels (usage_all's columns are
 * multiples of the tick; seen here: their sum 1.3 % below cpuacct.usage), so it must never stand
 * in for the total: a total switching source between reads would jump, even backwards, and look
 * like a counter reset to Prometheus.
 */
export const CPUACCT_V1: StatFills = {
  cpu: { file: 'cpuacct.usage', parse(bytes, length, s) { s.cpu.usageNs = parseUintBytes(bytes, 0, length); } },
  full: fillUserSystem,
};

function fillUserSystem(get: StatGetter, s: CgroupStats): void {
  const perCpu = get('cpuacct.usage_percpu');
  if (perCpu !== undefined) s.cpu.perCpuNs = parseNumberList(perCpu);
  const all = get('cpuacct.usage_all'); // Linux ≥ 4.7: the split in ns rather than USER_HZ ticks
  if (all !== undefined) return fillFromUsageAll(all, s);
  const stat = parseFlatKeyed(get('cpuacct.stat') ?? '');
  s.cpu.userNs = (stat.user ?? 0) * NS_PER_TICK;
  s.cpu.systemNs = (stat.system ?? 0) * NS_PER_TICK;
}

/** `cpu user system` header, then one `<cpu> <user ns> <system ns>` line per CPU. */
function fillFromUsageAll(text: string, s: CgroupStats): void {
  let user = 0;
  let system = 0;
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const fields = lines[i].split(' ');
    if (fields.length < 3) continue;
    user += Number(fields[1]);
    system += Number(fields[2]);
  }
  s.cpu.userNs = user;
  s.cpu.systemNs = system;
}
