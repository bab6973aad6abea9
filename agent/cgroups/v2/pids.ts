// v2 pids controller: the same pids.max / pids.current files as v1.
export { applyPids as applyPidsV2, fillPids as fillPidsV2 } from '../v1/pids.js';
