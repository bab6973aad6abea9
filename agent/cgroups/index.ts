// The cgroups folder's public face: the manager factory, detection and the pure parsers.
export { createCgroupManager, type CreateCgroupManagerOptions } from './create.js';
export { detectCgroupVersion, detectCgroupLayout, parseCgroupMounts, type CgroupLayout, type CgroupMount } from './detect.js';
export {
  flatKeyValue, parseBlkio, parseCpuMax, parseFlatKeyed, parseLimit, parseNestedKeyed, parseNumber, parseNumberList, parsePids, parsePressure,
} from './parse.js';
export { blkioWeightToIoWeight, sharesToWeight, weightToShares } from './convert.js';
export { shimDeviceProgramLoader } from './device-loader.js';
export { copyStats, emptyStats, readAllStats, STATS_PARTS } from './stats.js';
export type { CgroupLogger, CgroupTimeouts, DeviceProgramLoader, FixtureHooks } from './options.js';
export type * from './types.js';
