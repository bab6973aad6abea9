// Device rules → the state a cgroup v1 devices controller would end up in after the rules were
// written to devices.allow/devices.deny in order. cgroup v2 has no such controller, so berth
// first computes that state and then compiles it to eBPF (device-program.ts), which is what runc
// does (opencontainers/cgroups devices: emulator + deviceFilter). The semantics are therefore
// neither first-match nor last-match over the raw rules but v1's:
//   - an "a" rule (any type) resets everything: allow → default allow, deny → default deny;
//   - a rule whose action differs from the default adds an exception (access bits of rules with
//     the same type:major:minor are merged);
//   - a rule whose action equals the default removes those access bits from the exception with
//     exactly the same type:major:minor (none there: no-op, as in the kernel).
// Every exception left has the action opposite to the default, so their order no longer matters.
// Unlike a fresh v1 cgroup (allow all), replay starts from deny all, as runc's emulator does: a
// rule list that does not begin with an "a" rule is an allowlist, never silently allow-all.
import { BerthError } from '../../errors.js';
import type { DeviceRule } from '../types.js';

/** BPF_DEVCG_ACC_* bits (include/uapi/linux/bpf.h), also v1's ACC_* bits. */
const ACCESS_BITS = { m: 1, r: 2, w: 4 } as const;
export const ACCESS_ALL = 7;
export const ANY = -1;

/** The largest major/minor a dev_t carries (12 and 20 bits, include/linux/kdev_t.h). */
const MAX_MAJOR = 0xfff;
const MAX_MINOR = 0xfffff;

export interface DeviceException { type: 'c' | 'b'; major: number; minor: number; access: number }

export interface DeviceRuleState {
  /** What happens to a device no exception matches. */
  defaultAllow: boolean;
  /** Each one flips the default for its devices and access bits; sorted by major, minor, type. */
  exceptions: DeviceException[];
}

function accessBits(access: string): number {
  let bits = 0;
  for (const ch of access) bits |= ACCESS_BITS[ch as keyof typeof ACCESS_BITS] ?? 0;
  return bits;
}

function accessString(bits: number): string {
  return (bits & ACCESS_BITS.r ? 'r' : '') + (bits & ACCESS_BITS.w ? 'w' : '') + (bits & ACCESS_BITS.m ? 'm' : '');
}

function describeRule(r: { type: string; major: number; minor: number; access: string | number }): string {
  const n = (v: number): string => (v === ANY ? '*' : String(v));
  const access = typeof r.access === 'number' ? accessString(r.access) : r.access;
  return `${r.type} ${n(r.major)}:${n(r.minor)} ${access}`;
}

/** Replays the rules as v1 would; rejects what v1 would silently ignore (a hole in a wildcard). */
export function emulateDeviceRules(rules: readonly DeviceRule[]): DeviceRuleState {
  let defaultAllow = false;
  let exceptions = new Map<string, DeviceException>();
  rules.forEach((rule, i) => {
    checkRange(rule, i);
    if (rule.type === 'a') {
      defaultAllow = rule.allow;
      exceptions = new Map();
    } else if (rule.allow !== defaultAllow) {
      addException(exceptions, rule);
    } else {
      removeException(exceptions, rule, i);
    }
  });
  return { defaultAllow, exceptions: [...exceptions.values()].sort(byMajorMinorType) };
}

function key(type: string, major: number, minor: number): string {
  return `${type} ${major}:${minor}`;
}

function addException(exceptions: Map<string, DeviceException>, rule: DeviceRule): void {
  const type = rule.type as 'c' | 'b';
  const k = key(type, rule.major, rule.minor);
  const old = exceptions.get(k)?.access ?? 0;
  exceptions.set(k, { type, major: rule.major, minor: rule.minor, access: old | accessBits(rule.access) });
}

/**
 * v1 only removes an exact match; a rule that would cut into a broader wildcard exception is
 * ignored by the kernel, which leaves the device reachable. Refused here (as runc does), so the
 * rule set never promises more than is enforced.
 */
function removeException(exceptions: Map<string, DeviceException>, rule: DeviceRule, index: number): void {
  const bits = accessBits(rule.access);
  const broader = [key(rule.type, ANY, rule.minor), key(rule.type, rule.major, ANY), key(rule.type, ANY, ANY)];
  const own = key(rule.type, rule.major, rule.minor);
  for (const k of broader) {
    const wildcard = exceptions.get(k);
    if (k === own || wildcard === undefined || (wildcard.access & bits) === 0) continue;
    throw new BerthError('INVALID_SPEC',
      `resources.devices[${index}]: ${rule.allow ? 'allow' : 'deny'} ${describeRule(rule)} cuts a hole in the earlier ${rule.allow ? 'deny' : 'allow'} ${describeRule(wildcard)}, which device cgroups cannot express (v1 would silently ignore it)`,
      { field: `resources.devices[${index}]` });
  }
  const current = exceptions.get(own);
  if (current === undefined) return;
  const left = current.access & ~bits;
  if (left === 0) exceptions.delete(own);
  else exceptions.set(own, { ...current, access: left });
}

function checkRange(rule: DeviceRule, index: number): void {
  if (rule.type === 'a') return;
  const bad = (value: number, max: number): boolean => value !== ANY && (value < 0 || value > max);
  if (bad(rule.major, MAX_MAJOR) || bad(rule.minor, MAX_MINOR)) {
    throw new BerthError('INVALID_SPEC',
      `resources.devices[${index}]: ${describeRule(rule)} is outside what a device number holds (major 0..${MAX_MAJOR}, minor 0..${MAX_MINOR}, or -1 = any)`,
      { field: `resources.devices[${index}]` });
  }
}

function byMajorMinorType(a: DeviceException, b: DeviceException): number {
  return a.major - b.major || a.minor - b.minor || a.type.localeCompare(b.type);
}
