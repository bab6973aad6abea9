// `berth policy ls | check FILE… | eval <run flags> | test DIR|FILE… | report`.
// check and test run offline (no agent): they load files with the agent's own loader and CEL
// environment. ls, eval and report ask the agent. Exit codes: 0 ok; 1 the files / suites /
// spec did not pass (like promtool and kyverno test); 125 berth's own errors.
import { BerthError } from '../errors.js';
import type { PolicyReport, PolicyStatus, RuleResult } from '../policy/index.js';
import type { AdmissionViolation } from '../runtime/types.js';
import { parseArgs, usageError, type FlagDef, type Parsed } from './args.js';
import type { CliContext, Command } from './command.js';
import { shortId, table } from './format.js';
import { RUN_FLAGS, specFromFlags } from './run-flags.js';

const FORMAT: FlagDef = { name: 'format', kind: 'string', value: 'FORMAT', help: '"json" for JSON output' };

interface Sub { usage: string; summary: string; flags: FlagDef[]; interspersed?: boolean; run(ctx: CliContext, p: Parsed, json: boolean): Promise<number> }

const SUBCOMMANDS: Record<string, Sub> = {
  ls: { usage: 'policy ls [--format json]', summary: 'List the policies in force on the agent', flags: [FORMAT], run: ls },
  check: { usage: 'policy check FILE...', summary: 'Validate policy files offline (file:line for each problem)', flags: [], run: check },
  eval: { usage: 'policy eval [RUN OPTIONS] (--rootfs DIR | --bundle DIR) [--] [COMMAND]', summary: 'Show what admission would decide for a `berth run` (nothing is created)', flags: [...RUN_FLAGS, FORMAT], interspersed: false, run: evaluate },
  test: { usage: 'policy test DIR|FILE...', summary: 'Run policy test suites (kind: PolicyTest) offline', flags: [], run: test },
  report: { usage: 'policy report [--format json]', summary: 'Policy results per container (pass, fail, warn, error, skip)', flags: [FORMAT], run: report },
};

export const policy: Command = {
  name: 'policy', usage: 'policy COMMAND', interspersed: false, minArgs: 1, flags: [],
  summary: `Policy rules: ${Object.keys(SUBCOMMANDS).join(', ')}`,
  async run(ctx, p) {
    const [name, ...rest] = p.args;
    const sub = SUBCOMMANDS[name!];
    if (!sub) throw usageError('berth policy', `unknown command "${name}" (one of: ${Object.keys(SUBCOMMANDS).join(', ')})`);
    if (rest.includes('--help') || rest.includes('-h')) {
      ctx.out(`Usage: berth ${sub.usage}\n\n${sub.summary}\n`);
      return 0;
    }
    const parsed = parseArgs(rest, { command: `berth policy ${name}`, flags: sub.flags, interspersed: sub.interspersed ?? true });
    const format = parsed.str('format');
    if (format !== undefined && format !== 'json') throw usageError(`berth policy ${name}`, `--format must be "json", got "${format}"`, '--format');
    return sub.run(ctx, parsed, format === 'json');
  },
};

/** The CEL engine takes a fifth of a second to load: only check and test need it, every other command starts without it. */
function policyEngine(): Promise<typeof import('../policy/index.js')> {
  return import('../policy/index.js');
}

async function ls(ctx: CliContext, _p: Parsed, json: boolean): Promise<number> {
  const status = await ctx.client().call<PolicyStatus>('GET', '/v1/policies');
  if (json) { ctx.out(`${JSON.stringify(status, null, 2)}\n`); return 0; }
  const rows = status.policies.map((p) => [p.name, p.enforcement, String(p.admission.length), String(p.exec.length), String(p.runtime.length), p.file]);
  ctx.out(table(['POLICY', 'ENFORCEMENT', 'ADMISSION', 'EXEC', 'RUNTIME', 'FILE'], rows));
  if (status.exceptions.length) {
    ctx.out(`\n${table(['EXCEPTION', 'POLICY', 'RULES', 'EXPIRES'], status.exceptions.map((e) =>
      [e.name, e.policy, e.rules.join(',') || '*', e.expired ? `expired ${e.expiresAt}` : e.expiresAt ?? 'never']))}`);
  }
  for (const warning of status.warnings ?? []) ctx.err(`WARNING: ${warning}\n`); // ?? []: an agent older than warnings
  if (status.lastError) ctx.err(`WARNING: the last reload was rejected; the rules above stay in force:\n${status.lastError}\n`);
  return 0;
}

async function check(ctx: CliContext, p: Parsed): Promise<number> {
  const files = p.args;
  if (files.length === 0) throw usageError('berth policy check', 'give at least one policy file');
  const { createCelEnv, loadPolicyFiles, PolicyLoadError } = await policyEngine();
  try {
    const set = loadPolicyFiles(files, createCelEnv());
    const rules = set.policies.reduce((n, p) => n + p.admission.length + p.exec.length + p.runtime.length, 0);
    for (const warning of set.warnings) ctx.err(`WARNING: ${warning}\n`);
    ctx.out(`ok: ${set.policies.length} policies, ${rules} rules, ${set.exceptions.length} exceptions in ${files.length} files\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof PolicyLoadError)) throw err;
    ctx.err(`${err.message}\n`);
    return 1;
  }
}

async function evaluate(ctx: CliContext, p: Parsed, json: boolean): Promise<number> {
  const spec = specFromFlags(p, 'berth policy eval', ctx.env, ctx.cwd);
  const result = await ctx.client().call<{ allowed: boolean; violations: AdmissionViolation[]; warnings: string[]; results: RuleResult[] }>(
    'POST', '/v1/policies/evaluate', spec);
  if (json) { ctx.out(`${JSON.stringify(result, null, 2)}\n`); return result.allowed ? 0 : 1; }
  ctx.out(table(['POLICY', 'RULE', 'RESULT', 'MESSAGE'], result.results.map((r) => [r.policy, r.rule, r.result, r.message])));
  for (const w of result.warnings) ctx.err(`WARNING: ${w}\n`);
  ctx.out(result.allowed ? 'allowed\n' : `denied: ${result.violations.filter((v) => v.enforcement === 'enforce').map((v) => `${v.policy}/${v.rule}`).join(', ')}\n`);
  return result.allowed ? 0 : 1;
}

async function test(ctx: CliContext, p: Parsed): Promise<number> {
  const paths = p.args;
  if (paths.length === 0) throw usageError('berth policy test', 'give a folder or suite files');
  const { createCelEnv, findSuiteFiles, runSuiteFile } = await policyEngine();
  const cel = createCelEnv();
  let failed = 0;
  let passed = 0;
  for (const file of paths.flatMap((p) => findSuiteFiles(p))) {
    try {
      const r = await runSuiteFile(file, cel);
      ctx.out(`${r.failed === 0 ? 'PASS' : 'FAIL'} ${file} (${r.name}): ${r.passed}/${r.cases.length} cases\n`);
      for (const c of r.cases.filter((x) => !x.ok)) {
        ctx.out(`  ${c.kind} ${c.policy}/${c.rule} on ${c.resource}: expected ${c.expected}, got ${c.actual}${c.message ? ` (${c.message})` : ''}\n`);
      }
      failed += r.failed;
      passed += r.passed;
    } catch (err) {
      if (!(err instanceof BerthError)) throw err;
      ctx.out(`ERROR ${file}:\n${err.message.replace(/^/gm, '  ')}\n`);
      failed++;
    }
  }
  ctx.out(`\n${passed} passed, ${failed} failed\n`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

async function report(ctx: CliContext, _p: Parsed, json: boolean): Promise<number> {
  const r = await ctx.client().call<PolicyReport>('GET', '/v1/policies/report');
  if (json) { ctx.out(`${JSON.stringify(r, null, 2)}\n`); return 0; }
  ctx.out(table(['CONTAINER ID', 'NAME', 'PASS', 'FAIL', 'WARN', 'ERROR', 'SKIP'], r.containers.map((c) =>
    [shortId(c.id), c.name, ...(['pass', 'fail', 'warn', 'error', 'skip'] as const).map((k) => String(c.summary[k]))])));
  const problems = r.containers.flatMap((c) => c.results.filter((x) => x.result === 'fail' || x.result === 'warn' || x.result === 'error')
    .map((x) => [c.name, `${x.policy}/${x.rule}`, x.phase, x.result, x.message]));
  if (problems.length) ctx.out(`\n${table(['NAME', 'RULE', 'PHASE', 'RESULT', 'MESSAGE'], problems)}`);
  return 0;
}
