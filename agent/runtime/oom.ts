// How many processes of a container's cgroup the OOM killer has killed (v1 memory.oom_control,
// v2 memory.events): a SIGKILL exit while this count rose past the run's baseline is Docker's OOMKilled.
import { emptyStats } from '../cgroups/index.js';
import type { ContainerRecord } from './container.js';
import type { RuntimeContext } from './context.js';

export function oomKillCount(ctx: RuntimeContext, record: ContainerRecord): number {
  const reader = ctx.cgroups.statsReader(record.cgroupName);
  try {
    const stats = emptyStats();
    return reader.read('full', stats) ? stats.memory.oomKills : 0;
  } catch (err) {
    ctx.logger.warn({ err, id: record.id }, `read the oom_kill counter of ${record.cgroup}`);
    return 0;
  } finally {
    reader.close();
  }
}
