// v2 device rules. cgroup v2 has no devices controller: the kernel enforces device rules only
// through an eBPF program of type BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup. berth
// compiles the rules in TypeScript (device-program.ts, runc's semantics) and an injected loader
// (production: berth-shim devices, see ../device-loader.ts) loads and attaches it. Node cannot
// call bpf(2) itself. Without a loader (unit tests, embedders) the gap is logged, not hidden.
//
// An empty rule list attaches nothing, as v1 writes nothing for it. The rules are fixed at
// create: a second program would only ever narrow them (all attached programs must allow), and
// replacing the first one needs its id (BPF_F_REPLACE), so update() refuses new device rules.
import { BerthError } from '../../errors.js';
import type { CgroupLogger, DeviceProgramLoader } from '../options.js';
import type { CgroupResources } from '../types.js';
import { compileDeviceProgram } from './device-program.js';

export interface DevicesV2Options { loader?: DeviceProgramLoader; logger?: CgroupLogger }

/**
 * For create(), before anything is made (throws INVALID_SPEC for a rule set the program cannot
 * express): what attaches the program once the directory exists, or undefined when there is none.
 */
export function prepareDevicesV2(dir: string, r: CgroupResources, opts: DevicesV2Options): (() => Promise<void>) | undefined {
  if (r.devices === undefined || r.devices.length === 0) return undefined;
  const loader = opts.loader;
  if (loader === undefined) {
    warnNotEnforced(dir, r, opts.logger);
    return undefined;
  }
  const program = compileDeviceProgram(r.devices).bytes;
  return () => loader(dir, program);
}

/** For update(): device rules cannot change once the program is attached. */
export function checkDevicesUpdateV2(dir: string, r: CgroupResources, opts: DevicesV2Options): void {
  if (r.devices === undefined || r.devices.length === 0) return;
  if (opts.loader === undefined) return warnNotEnforced(dir, r, opts.logger);
  throw new BerthError('INVALID_SPEC',
    `resources.devices: the device rules of ${dir} are set once, at create (cgroup v2 device program); they cannot be updated`,
    { field: 'resources.devices', path: dir });
}

function warnNotEnforced(dir: string, r: CgroupResources, logger: CgroupLogger | undefined): void {
  logger?.warn({ cgroup: dir, rules: r.devices?.length ?? 0 },
    'device rules are not enforced on cgroup v2 (no device program loader; see agent/cgroups/v2/devices.ts)');
}
