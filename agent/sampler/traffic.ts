// A container's own network traffic, as `docker stats` and the dashboard show it: the bytes over
// the interfaces of its network namespace but lo (traffic between its own tasks). A container in
// the host's namespace (`--network host`) has no traffic of its own to show: those counters are
// the whole host's, the same for every such container, so it shows none, as docker stats does
// (0B / 0B). /metrics keeps the interfaces as read, as cAdvisor does.
import type { ContainerSample } from './types.js';

export interface Traffic { rxBytes: number; txBytes: number }

export function ownTraffic(s: Pick<ContainerSample, 'network' | 'namespaces'>): Traffic {
  const traffic = { rxBytes: 0, txBytes: 0 };
  if (s.namespaces.some((ns) => ns.type === 'net' && ns.hostShared)) return traffic;
  for (const itf of s.network) {
    if (itf.name === 'lo') continue;
    traffic.rxBytes += itf.rxBytes;
    traffic.txBytes += itf.txBytes;
  }
  return traffic;
}
