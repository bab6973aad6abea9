// docker's --device-cgroup-rule "c 188:* rwm": devices the container may use without a node of
// them being made for it: one it makes itself (mknod is among the default capabilities) or one
// that appears later (a USB serial adapter plugged in, passed in by a bind-mounted /dev). They are
// added to the device cgroup after the base rules and --device's, on v1 and v2 alike.
import { array, invalid, join, shown, string } from './spec-check.js';
import { isDevicePermissions } from './devices.js';
import type { DeviceCgroupRule } from './types.js';

const RULE = /^([abc]) (\d+|\*):(\d+|\*) ([rwm]{1,3})$/;

export function validateDeviceCgroupRules(value: unknown, field: string): string[] {
  return array(value, field).map((v, i) => {
    const f = join(field, i);
    const text = string(v, f);
    const m = RULE.exec(text);
    if (!m || !isDevicePermissions(m[4]!)) throw invalid(f, `must be "TYPE MAJOR:MINOR ACCESS" (type a, b or c; * for any number; access of r, w, m), e.g. "c 188:* rwm", got ${shown(text)}`);
    if (m[1] === 'a' && (m[2] !== '*' || m[3] !== '*')) throw invalid(f, `type a (all devices) goes with *:*, got ${shown(text)}`);
    return text;
  });
}

/** A validated rule as the device cgroup takes it (-1: any number). */
export function parseDeviceCgroupRule(text: string): DeviceCgroupRule {
  const [, type, major, minor, access] = RULE.exec(text)!;
  const num = (s: string) => (s === '*' ? -1 : Number(s));
  return { type: type as DeviceCgroupRule['type'], major: num(major!), minor: num(minor!), access: access! };
}
