// v2 device rules. The kernel enforces them only through an eBPF program of type
// BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup (opencontainers/cgroups devices/ebpf_linux.go);
// Node cannot call bpf(2) without a native addon, so berth does not enforce device rules on v2.
//
// TODO(devices-v2): generate the program in TypeScript (like the seccomp filter) and have
// berth-shim load and attach it (BPF_PROG_LOAD + BPF_PROG_ATTACH on the cgroup dirfd) before
// init runs. Until then, a container on a v2 host can use any device node it can create
// (CAP_MKNOD is in Docker's default set): the only gap of the v2 manager.
import type { CgroupResources } from '../types.js';

export interface DeviceGapLogger { warn(obj: object, msg: string): void }

export function applyDevicesV2(dir: string, r: CgroupResources, logger: DeviceGapLogger | undefined): void {
  if (r.devices === undefined || r.devices.length === 0) return;
  logger?.warn({ cgroup: dir, rules: r.devices.length },
    'device rules are not enforced on cgroup v2 (needs a BPF_PROG_TYPE_CGROUP_DEVICE program; see agent/cgroups/v2/devices.ts)');
}
