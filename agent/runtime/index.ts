// The runtime folder's entry: createRuntime plus the types and pure helpers others use.
import { BerthRuntime } from './runtime.js';
import type { RuntimeOptions } from './context.js';
import type { Runtime } from './types.js';

export type { RuntimeOptions } from './context.js';
export type * from './types.js';
export type * from './plan-types.js';
export { NAMESPACE_TYPES } from './types.js';
export { PLAN_VERSION } from './plan-types.js';
export { validateRestartPolicy, validateSpec } from './spec.js';
export { resolveSpec } from './resolve.js';
export { toCgroupResources } from './resources.js';
export { parseSignal } from './signals.js';
export { parseSince } from './cri-log.js';
export { isFullId } from './ids.js';

export function createRuntime(opts: RuntimeOptions): Runtime {
  return new BerthRuntime(opts);
}
