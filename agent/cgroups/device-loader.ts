// The production DeviceProgramLoader: `berth-shim devices <cgroup-dir>` with the program on stdin
// (agent/native/devices.c, PLAN.md "berth-shim devices"). Node cannot call bpf(2), the shim can.
// The shim exits 0 once the program is attached; on failure it prints one
// `error <step> <errno> <message>` line on stderr and exits 1.
import { spawn } from 'node:child_process';
import { BerthError, errnoCode } from '../errors.js';
import type { DeviceProgramLoader } from './options.js';

/** Loading and attaching takes milliseconds; this only bounds a hung helper. */
const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_STDERR = 64 * 1024;

export function shimDeviceProgramLoader(shimPath: string, timeoutMs = DEFAULT_TIMEOUT_MS): DeviceProgramLoader {
  return (cgroupDir, program) => runShimDevices(shimPath, cgroupDir, program, timeoutMs);
}

function runShimDevices(shimPath: string, dir: string, program: Uint8Array, timeoutMs: number): Promise<void> {
  const what = `attach device program to ${dir}`;
  return new Promise((resolve, reject) => {
    const child = spawn(shimPath, ['devices', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    let settled = false;
    const finish = (err?: BerthError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(new BerthError('CGROUP_FAILED', `${what}: ${shimPath} devices did not finish within ${timeoutMs} ms`, { path: dir, step: 'timeout' }));
    }, timeoutMs);
    child.once('error', (err) => finish(new BerthError('CGROUP_FAILED', `${what}: spawn ${shimPath}: ${errnoCode(err) ?? err.message}`,
      { path: dir, step: 'spawn' }, { cause: err })));
    child.stderr!.on('data', (chunk: Buffer) => { if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8'); });
    // EPIPE when the shim exits before reading everything: its exit status says why.
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(program);
    child.once('close', (code, signal) => finish(code === 0 ? undefined : shimFailure(what, dir, shimPath, stderr, code, signal)));
  });
}

/** Turns the shim's `error <step> <errno> <message>` line into a BerthError that keeps all three. */
function shimFailure(what: string, dir: string, shimPath: string, stderr: string, code: number | null, signal: string | null): BerthError {
  const line = stderr.split('\n').reverse().find((l) => l.startsWith('error '));
  const m = line === undefined ? null : /^error (\S+) (\d+) (.*)$/.exec(line);
  if (m) return new BerthError('CGROUP_FAILED', `${what}: ${m[3]}`, { path: dir, step: m[1], errno: Number(m[2]) });
  const how = signal ? `was killed by ${signal}` : `exited with code ${String(code)}`;
  const said = stderr.trim() ? `: ${stderr.trim().slice(0, 500)}` : ' without a message';
  return new BerthError('CGROUP_FAILED', `${what}: ${shimPath} devices ${how}${said}`, { path: dir, step: 'shim' });
}
