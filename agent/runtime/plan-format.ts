// Encodes LaunchPlan / ExecPlan into the NUL-separated wire format that berth-shim parses
// (agent/native/PLAN.md). The format has no escaping, so the one forbidden byte (NUL) is
// rejected here, naming the field, rather than silently truncating a path in C.
import { BerthError } from '../errors.js';
import { PLAN_VERSION, type ExecDelivery, type ExecPlan, type LaunchPlan, type PlanRlimit } from './plan-types.js';

const MAGIC = 'BERTHPLAN';

type Field = string | number | boolean | bigint;

/** Collects records; every field is checked and stringified in one place. */
class PlanWriter {
  private readonly parts: string[] = [MAGIC, String(PLAN_VERSION)];

  record(kind: string, where: string, fields: Field[]): void {
    this.parts.push(kind, String(fields.length));
    fields.forEach((f, i) => this.parts.push(fieldText(f, `${where}[${i}]`)));
  }

  finish(): Buffer {
    this.parts.push('end', '0');
    return Buffer.from(this.parts.map((p) => `${p}\0`).join(''), 'utf8');
  }
}

function fieldText(value: Field, where: string): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'bigint') {
    if (value < 0n) throw invalid(where, `capability mask must not be negative, got ${value}`);
    return value.toString(16);
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw invalid(where, `must be an integer, got ${value}`);
    return String(value);
  }
  if (typeof value !== 'string') throw invalid(where, `must be a string, got ${typeof value}`);
  if (value.includes('\0')) throw invalid(where, `contains a NUL byte: ${JSON.stringify(value)}`);
  return value;
}

function invalid(where: string, why: string): BerthError {
  return new BerthError('INTERNAL', `launch plan ${where}: ${why}`, { field: where });
}

function rlimitValue(v: number | 'unlimited'): string | number { return v === 'unlimited' ? 'unlimited' : v; }

function nonNegative(value: number, where: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw invalid(where, `must be a non-negative integer, got ${value}`);
  return value;
}

function writeRlimits(w: PlanWriter, rlimits: PlanRlimit[]): void {
  rlimits.forEach((r, i) => w.record('rlimit', `rlimits[${i}]`, [r.resource, rlimitValue(r.soft), rlimitValue(r.hard)]));
}

function hex(bytes: Uint8Array, where: string): string {
  if (bytes.length % 8 !== 0) throw invalid(where, `a seccomp program is struct sock_filter[] (8 bytes each), got ${bytes.length} bytes`);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** The process-credential records shared by launch and exec plans. */
function writeStdio(w: PlanWriter, plan: LaunchPlan | ExecPlan): void {
  if (plan.stdin) w.record('stdin', 'stdin', [true]);
  if (plan.tty) w.record('tty', 'tty', [nonNegative(plan.tty.rows, 'tty.rows'), nonNegative(plan.tty.cols, 'tty.cols')]);
}

function writeProcess(w: PlanWriter, p: LaunchPlan | ExecPlan): void {
  w.record('user', 'uid/gid', [nonNegative(p.uid, 'uid'), nonNegative(p.gid, 'gid')]);
  w.record('groups', 'additionalGids', p.additionalGids.map((g, i) => nonNegative(g, `additionalGids[${i}]`)));
  const c = p.capabilities;
  w.record('caps', 'capabilities', [c.bounding, c.effective, c.permitted]);
  w.record('no_new_privs', 'noNewPrivileges', [p.noNewPrivileges]);
  if (p.seccomp) w.record('seccomp', 'seccomp', [hex(p.seccomp, 'seccomp')]);
  writeRlimits(w, p.rlimits);
  p.cgroupProcs.forEach((path, i) => w.record('cgroup_procs', `cgroupProcs[${i}]`, [path]));
  w.record('cwd', 'cwd', [p.cwd]);
  if (p.args.length === 0) throw invalid('args', 'must name a command');
  w.record('args', 'args', p.args);
  w.record('env', 'env', p.env);
}

export function encodeLaunchPlan(plan: LaunchPlan): Buffer {
  const w = new PlanWriter();
  w.record('id', 'id', [plan.id]);
  w.record('state_dir', 'stateDir', [plan.stateDir]);
  w.record('rootfs', 'rootfs', [plan.rootfs]);
  w.record('ro_rootfs', 'readOnlyRootfs', [plan.readOnlyRootfs]);
  plan.namespaces.forEach((n, i) => w.record('ns', `namespaces[${i}]`, [n.type, n.path]));
  plan.uidMappings.forEach((m, i) => w.record('uid_map', `uidMappings[${i}]`, [m.containerId, m.hostId, m.size]));
  plan.gidMappings.forEach((m, i) => w.record('gid_map', `gidMappings[${i}]`, [m.containerId, m.hostId, m.size]));
  if (plan.hostname !== '') w.record('hostname', 'hostname', [plan.hostname]);
  if (plan.domainname !== '') w.record('domainname', 'domainname', [plan.domainname]);
  plan.mounts.forEach((m, i) => w.record('mount', `mounts[${i}]`,
    [m.source, m.target, m.fstype, nonNegative(m.flags, `mounts[${i}].flags`), m.data, m.create, m.remount]));
  plan.devices.forEach((d, i) => w.record('device', `devices[${i}]`,
    [d.path, d.type, d.major, d.minor, nonNegative(d.mode, `devices[${i}].mode`).toString(8), d.uid, d.gid]));
  plan.symlinks.forEach((s, i) => w.record('symlink', `symlinks[${i}]`, [s.target, s.link]));
  plan.maskedPaths.forEach((p, i) => w.record('mask', `maskedPaths[${i}]`, [p]));
  plan.readonlyPaths.forEach((p, i) => w.record('readonly', `readonlyPaths[${i}]`, [p]));
  for (const [key, value] of Object.entries(plan.sysctls)) w.record('sysctl', `sysctls.${key}`, [key, value]);
  w.record('oom_score_adj', 'oomScoreAdj', [plan.oomScoreAdj]);
  writeProcess(w, plan);
  w.record('log', 'logPath', [plan.logPath]);
  if (plan.logRotate) w.record('log_rotate', 'logRotate', [plan.logRotate.maxBytes, plan.logRotate.maxFiles]);
  w.record('exit', 'exitPath', [plan.exitPath]);
  if (plan.exitReservePath) w.record('exit_reserve', 'exitReservePath', [plan.exitReservePath]);
  w.record('start_fifo', 'startFifo', [plan.startFifo]);
  writeStdio(w, plan);
  return w.finish();
}

export function encodeExecPlan(plan: ExecPlan, delivery: ExecDelivery): Buffer {
  const w = new PlanWriter();
  w.record('init_pid', 'initPid', [plan.initPid]);
  plan.namespaces.forEach((t, i) => w.record('ns', `namespaces[${i}]`, [t]));
  w.record('rootfs', 'rootfs', [plan.rootfs]);
  w.record('id', 'delivery.id', [delivery.id]);
  w.record('stdio', 'delivery.stdioSocket', [delivery.stdioSocket]);
  writeStdio(w, plan);
  writeProcess(w, plan);
  return w.finish();
}
