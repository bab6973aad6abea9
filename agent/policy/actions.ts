// The only side effects of runtime rules. alert: the firing event is the alert; throttle:
// runtime.update(id, { cpus: throttleCpus }); pause: runtime.pause; kill: runtime.kill(SIGKILL)
// with a StopReason naming the policy and rule (shown in the container's exit.reason).
import { BerthError } from '../errors.js';
import type { Runtime, StopReason } from '../runtime/types.js';
import type { ActionKind } from './schema.js';

export type ActionRuntime = Pick<Runtime, 'update' | 'pause' | 'kill'>;

export interface ActionRequest {
  action: ActionKind;
  containerId: string;
  policy: string;
  rule: string;
  message: string;
  throttleCpus?: number;
}

/** ok: done; skipped: the container is gone or not in a state that allows it; error: it failed. */
export interface ActionOutcome { outcome: 'ok' | 'skipped' | 'error'; detail: string }

export async function runAction(runtime: ActionRuntime | undefined, req: ActionRequest): Promise<ActionOutcome> {
  if (req.action === 'alert') return { outcome: 'ok', detail: 'alerted' };
  if (!runtime) return { outcome: 'skipped', detail: `no runtime to ${req.action} with` };
  const reason: StopReason = { by: 'policy', policy: req.policy, rule: req.rule, message: req.message };
  try {
    switch (req.action) {
      case 'throttle':
        await runtime.update(req.containerId, { cpus: req.throttleCpus }, 'policy');
        return { outcome: 'ok', detail: `cpus set to ${req.throttleCpus}` };
      case 'pause':
        await runtime.pause(req.containerId, reason);
        return { outcome: 'ok', detail: 'paused' };
      case 'kill':
        await runtime.kill(req.containerId, 'SIGKILL', reason);
        return { outcome: 'ok', detail: 'killed with SIGKILL' };
    }
  } catch (err) {
    if (err instanceof BerthError && (err.code === 'NOT_FOUND' || err.code === 'INVALID_STATE')) {
      return { outcome: 'skipped', detail: `${req.action} ${req.containerId}: ${err.message}` };
    }
    return { outcome: 'error', detail: `${req.action} ${req.containerId}: ${(err as Error).message}` };
  }
}
