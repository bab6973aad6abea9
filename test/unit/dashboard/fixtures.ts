// Protocol frames for the dashboard's unit tests, in the agent's own types.
import type { BerthEvent, ContainerSummary, EventKind, HostSample, StreamSample } from '../../../dashboard/src/protocol.js';
import { FAKE_MACHINE } from '../../helpers/samples.js';

export const ID_A = 'a'.repeat(64);
export const ID_B = 'b'.repeat(64);

export function summary(id: string, name: string, over: Partial<ContainerSummary> = {}): ContainerSummary {
  return {
    id, name, image: '/rootfs', status: 'running', pid: 42, createdAt: '2024-01-01T00:00:00.000Z',
    startedAt: '2024-01-01T00:00:01.000Z', restartCount: 0, limits: { cpus: 0, memoryBytes: 0, pidsLimit: 0 },
    namespaces: [], labels: {}, ...over,
  };
}

export function sample(id: string, t: number, over: Partial<StreamSample> = {}): StreamSample {
  return {
    id, t, cpuCores: 0.1, cpuQuotaCores: 0, throttledRatio: 0, memUsage: 1000, memWorkingSet: 800, memLimit: 0,
    pids: 1, pidsLimit: 0, ioReadBytes: 0, ioWriteBytes: 0, netRxBytes: 0, netTxBytes: 0, oomEvents: 0, ...over,
  };
}

export function host(time: number): HostSample {
  return {
    time, cpuCores: 2, cpuPercent: 10, memoryTotalBytes: 1 << 30, memoryAvailableBytes: 1 << 29, swapTotalBytes: 0, machine: FAKE_MACHINE,
    load1: 0.1, load5: 0.1, load15: 0.1, containersRunning: 1, containersFailed: 0,
    agent: { cpuSecondsTotal: 1, rssBytes: 1 << 26, sampleDurationSeconds: 0.001, sampleStride: 1 },
  };
}

let seq = 0;
export function event(kind: EventKind, message: string, fields: Partial<BerthEvent> = {}): BerthEvent {
  return { seq: ++seq, time: new Date(1_700_000_000_000 + seq * 1000).toISOString(), kind, message, ...fields };
}
