// exec: one more process in a running container, through `berth-shim exec` (it joins the
// namespaces and cgroups of init). A setup failure of the shim (`error …` on its status pipe)
// is appended to the process's stderr so the user sees why it ended with 125/126/127.
import { PassThrough, type Readable } from 'node:stream';
import { BerthError } from '../errors.js';
import { assertAllowed, toInfo, type ContainerRecord } from './container.js';
import { describe, type RuntimeContext } from './context.js';
import { buildExecPlan } from './plan.js';
import { encodeExecPlan } from './plan-format.js';
import { spawnExecShim } from './shim.js';
import type { ExecOptions, ExecProcess } from './types.js';

export async function execInContainer(ctx: RuntimeContext, record: ContainerRecord, opts: ExecOptions): Promise<ExecProcess> {
  assertAllowed(record, 'exec');
  checkOptions(opts);
  const what = `exec in ${describe(record)}`;
  const plan = buildExecPlan(toInfo(record), opts, {
    cgroupProcs: ctx.cgroups.procsFiles(record.cgroupName), compileSeccomp: ctx.compileSeccomp,
  });
  const shim = spawnExecShim(ctx.shimPath, encodeExecPlan(plan), what);
  const stderr = new PassThrough();
  const childStderr = shim.child.stderr as Readable;
  childStderr.pipe(stderr, { end: false });
  const stderrDone = new Promise<void>((resolve) => childStderr.once('close', resolve));
  const failure = shim.status.then(() => undefined, (err: BerthError) => err);
  void Promise.all([stderrDone, failure]).then(([, err]) => {
    if (err) stderr.write(`berth: ${err.message}\n`);
    stderr.end();
  });
  await shim.spawned;
  ctx.logger.debug({ id: record.id, cmd: opts.cmd, pid: shim.child.pid }, what);
  return { pid: shim.child.pid ?? 0, stdout: shim.child.stdout as Readable, stderr, exited: shim.exited };
}

function checkOptions(opts: ExecOptions): void {
  if (!Array.isArray(opts.cmd) || opts.cmd.length === 0 || !opts.cmd.every((a) => typeof a === 'string' && a.length > 0)) {
    throw new BerthError('INVALID_REQUEST', 'cmd: must be a non-empty array of non-empty strings', { field: 'cmd' });
  }
  if (opts.env !== undefined && !opts.env.every((e) => typeof e === 'string' && /^[^=]+=/.test(e))) {
    throw new BerthError('INVALID_REQUEST', 'env: every entry must be "KEY=value"', { field: 'env' });
  }
  if (opts.workdir !== undefined && !opts.workdir.startsWith('/')) {
    throw new BerthError('INVALID_REQUEST', `workdir: must be an absolute path, got ${JSON.stringify(opts.workdir)}`, { field: 'workdir' });
  }
}
