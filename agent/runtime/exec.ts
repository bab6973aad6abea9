// exec: one more process in a running container. The spawner forks the exec shim (it joins the
// namespaces and cgroups of init), so the agent never forks; the shim sends the output to the
// agent's exec socket (exec-stdio.ts) and the spawner reports its exit. A setup failure (`error …`)
// is appended to the process's stderr so the user sees why it ended with 125/126/127.
import { randomBytes } from 'node:crypto';
import { BerthError } from '../errors.js';
import { assertAllowed, toInfo, type ContainerRecord } from './container.js';
import { describe, type RuntimeContext } from './context.js';
import type { ExecProgress } from './exec-progress.js';
import { buildExecPlan } from './plan.js';
import { encodeExecPlan } from './plan-format.js';
import type { AdmittedProcess, ExecOptions, ExecProcess, TerminalSize } from './types.js';

/**
 * `admit` sees the process as planned (its user resolved, its whole environment) before anything
 * starts: a user's exec passes the policies' exec rules there; a healthcheck's probe, part of
 * the admitted spec, passes none.
 */
export async function execInContainer(ctx: RuntimeContext, record: ContainerRecord, opts: ExecOptions,
  admit?: (process: AdmittedProcess) => Promise<unknown>): Promise<ExecProcess> {
  assertAllowed(record, 'exec');
  checkOptions(opts);
  const what = `exec in ${describe(record)}`;
  const plan = buildExecPlan(toInfo(record), opts, {
    cgroupProcs: ctx.cgroups.procsFiles(record.cgroupName), compileSeccomp: ctx.compileSeccomp,
  });
  await admit?.({
    command: plan.args, user: opts.user ?? record.spec.user.name, uid: plan.uid, gid: plan.gid,
    tty: opts.tty ?? false, stdin: opts.stdin ?? false, workdir: plan.cwd, env: plan.env, privileged: opts.privileged ?? false,
  });
  const id = `exec-${randomBytes(16).toString('hex')}`; // unguessable: it is what a connection to the socket must name
  const output = await ctx.execStdio.expect(id, { tty: opts.tty ?? false });
  let progress: ExecProgress;
  let pid: number;
  try {
    progress = await ctx.launcher.exec(id, encodeExecPlan(plan, { id, stdioSocket: ctx.execStdio.path }), what);
    pid = await progress.started;
  } catch (err) {
    ctx.execStdio.forget(id);
    output.cancel();
    throw err;
  }
  // Ended once the exit is known and the output has all arrived.
  const exited = Promise.all([progress.ended, output.closed]).then(([end]) => {
    ctx.execStdio.forget(id);
    if (end.failure) output.stderr.write(`berth: ${end.failure.message}\n`);
    output.stdout.end();
    output.stderr.end();
    return end.signal ? { exitCode: end.exitCode, signal: end.signal } : { exitCode: end.exitCode };
  });
  ctx.logger.debug({ id: record.id, cmd: opts.cmd, pid }, what);
  return {
    pid, stdout: output.stdout, stderr: output.stderr, exited,
    ...(opts.stdin ? { stdin: output.stdin } : {}),
    ...(opts.tty ? { resize: (size: TerminalSize) => output.resize(size), hangup: () => output.hangup() } : {}),
  };
}

function checkOptions(opts: ExecOptions): void {
  if (!Array.isArray(opts.cmd) || opts.cmd.length === 0 || !opts.cmd.every((a) => typeof a === 'string' && a.length > 0)) {
    throw new BerthError('INVALID_REQUEST', 'cmd: must be a non-empty array of non-empty strings', { field: 'cmd' });
  }
  if (opts.env !== undefined && !opts.env.every((e) => typeof e === 'string' && /^[^=]+=/.test(e))) {
    throw new BerthError('INVALID_REQUEST', 'env: every entry must be "KEY=value"', { field: 'env' });
  }
  if (opts.consoleSize !== undefined && !opts.tty) {
    throw new BerthError('INVALID_REQUEST', 'consoleSize: only with "tty": true', { field: 'consoleSize' });
  }
  if (opts.workdir !== undefined && !opts.workdir.startsWith('/')) {
    throw new BerthError('INVALID_REQUEST', `workdir: must be an absolute path, got ${JSON.stringify(opts.workdir)}`, { field: 'workdir' });
  }
}
