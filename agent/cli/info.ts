import type { Command } from './command.js';
import { formatBytes } from './units.js';

interface Info {
  version: string; hostname: string; kernel: string; os: string; arch: string; cpus: number; memoryBytes: number;
  cgroupVersion: string; cgroupParent: string; stateDir: string; rulesDir: string; socket: string; listen: string;
  sampleIntervalMs: number; startedAt: string; pid: number;
  containers: { total: number; running: number; paused: number; exited: number; created: number };
}

export const info: Command = {
  name: 'info', usage: 'info [OPTIONS]', summary: 'Show how the agent is set up and what it runs', maxArgs: 0,
  flags: [{ name: 'format', kind: 'string', value: 'FORMAT', help: 'json: print the raw answer' }],
  async run(ctx, p) {
    const i = await ctx.client().call<Info>('GET', '/v1/info');
    if (p.str('format') === 'json') { ctx.out(`${JSON.stringify(i, null, 2)}\n`); return 0; }
    const c = i.containers;
    ctx.out([
      `Containers: ${c.total}`, ` Running: ${c.running}`, ` Paused: ${c.paused}`, ` Exited: ${c.exited}`, ` Created: ${c.created}`,
      `Agent version: ${i.version}`, `Agent pid: ${i.pid}`, `Started: ${i.startedAt}`,
      `Cgroup version: ${i.cgroupVersion}`, `Cgroup parent: ${i.cgroupParent}`, `State dir: ${i.stateDir}`,
      `Rules dir: ${i.rulesDir || '(none)'}`, `Socket: ${i.socket}`, `TCP listener: ${i.listen}`, `Sample interval: ${i.sampleIntervalMs}ms`,
      `Kernel: ${i.kernel}`, `OS/Arch: ${i.os}/${i.arch}`, `CPUs: ${i.cpus}`, `Total memory: ${formatBytes(i.memoryBytes)}`, `Name: ${i.hostname}`, '',
    ].join('\n'));
    return 0;
  },
};
