// Thin wrapper over @marcbachmann/cel-js: three typed environments (admission: `container`;
// exec: `container` + `request`; runtime: `container` + `sample`), expressions compiled and
// type-checked once at load time, and converters that turn a ResolvedSpec / ContainerSample /
// exec request into typed CEL values once per evaluation round. The int/double decision is documented in cel-schema.ts.
//
// Evaluation: an expression in the fast subset (cel-compile.ts) runs as plain JS closures; any
// other keeps the library's evaluator. Type-checking is the library's either way.
import { Environment, type ASTNode } from '@marcbachmann/cel-js';
import type { HealthState, ResolvedSpec } from '../runtime/types.js';
import type { ContainerSample } from '../sampler/types.js';
import { CONTAINER_SCHEMA, REQUEST_SCHEMA, SAMPLE_SCHEMA } from './cel-schema.js';
import { registerObjectType } from './cel-types.js';
import { compileFast } from './cel-compile.js';
import { objectType, type CelClasses, type ObjectFastType } from './cel-fast-types.js';
import { createSampleConverter } from './sample-value.js';

export type CelScope = 'admission' | 'exec' | 'runtime';
export type CelResultType = 'bool' | 'string';
/** Typed CEL values, made by `CelEnv.container()` / `CelEnv.sample()`. */
export type CelValue = Record<string, unknown>;
export interface CelVars { container: CelValue; sample?: CelValue; request?: CelValue }

export interface CelProgram {
  readonly source: string;
  /** The parsed expression (load-time checks: cel-lint.ts). */
  readonly ast: ASTNode;
  /** Throws the library's EvaluationError on a runtime error (e.g. a missing map key). */
  evaluate(vars: CelVars): unknown;
  /** true when evaluate() runs compiled closures (cel-compile.ts), false for the library's evaluator. */
  readonly compiled: boolean;
}

/** A compile or type error: `message` is one line; `offset` is where in the expression (0-based). */
export class CelCompileError extends Error {
  constructor(message: string, readonly offset: number) { super(message); this.name = 'CelCompileError'; }
}

/**
 * Which evaluator a program uses. 'auto': compiled closures when the expression is in the fast
 * subset, else the library. 'library': always the library. 'compiled-raw' (tests only): like
 * 'auto' but an evaluation error surfaces as the bare CEL_ERROR sentinel instead of the library's
 * error, so a differential test sees what the compiled closure itself did.
 */
export type CelEvaluator = 'auto' | 'library' | 'compiled-raw';

export interface CelEnv {
  compile(source: string, scope: CelScope, resultType: CelResultType, evaluator?: CelEvaluator): CelProgram;
  container(spec: ResolvedSpec): CelValue;
  /** With the container's health (the runtime's; absent: no healthcheck). */
  sample(sample: ContainerSample, health?: HealthState): CelValue;
  /** An exec rule's `request` (REQUEST_SCHEMA's shape). */
  request(request: Record<string, unknown>): CelValue;
  /** From the `sample` shape itself (cel-schema.ts), e.g. a test suite's sample sequence. */
  sampleFromView(view: Record<string, unknown>): CelValue;
}

const LIMITS = { maxAstNodes: 2000, maxDepth: 64, maxListElements: 1000, maxMapEntries: 1000, maxCallArguments: 32 };

function registerMixedNumberOperators(env: Environment): void {
  const arithmetic: Record<string, (a: number, b: number) => number> = {
    '+': (a, b) => a + b, '-': (a, b) => a - b, '*': (a, b) => a * b, '/': (a, b) => a / b,
  };
  for (const [op, fn] of Object.entries(arithmetic)) {
    env.registerOperator(`double ${op} int: double`, (a: number, b: bigint) => fn(a, Number(b)));
    env.registerOperator(`int ${op} double: double`, (a: bigint, b: number) => fn(Number(a), b));
  }
  // Registering `double == int` also provides `int == double` and both `!=` forms.
  env.registerOperator('double == int', (a: number, b: bigint) => a === Number(b));
}

export function createCelEnv(): CelEnv {
  const base = new Environment({ limits: LIMITS });
  registerMixedNumberOperators(base);
  const classes: CelClasses = new Map();
  const toContainer = registerObjectType(base, 'Container', CONTAINER_SCHEMA, classes);
  const toSample = registerObjectType(base, 'Sample', SAMPLE_SCHEMA, classes);
  const toRequest = registerObjectType(base, 'Request', REQUEST_SCHEMA, classes);
  base.registerVariable('container', 'Container');
  // clone() freezes `base`: admission expressions see neither `sample` nor `request`.
  const admission = base.clone();
  const exec = base.clone().registerVariable('request', 'Request');
  const runtime = base.clone().registerVariable('sample', 'Sample');
  const container = objectType('Container', CONTAINER_SCHEMA, classes);
  const scopes: Record<CelScope, CompileScope> = {
    admission: { env: admission, roots: { container } },
    exec: { env: exec, roots: { container, request: objectType('Request', REQUEST_SCHEMA, classes) } },
    runtime: { env: runtime, roots: { container, sample: objectType('Sample', SAMPLE_SCHEMA, classes) } },
  };
  return {
    compile: (source, scope, resultType, evaluator = 'auto') => compile(scopes[scope], source, resultType, evaluator),
    container: (spec) => toContainer(spec),
    sample: createSampleConverter(classes), // = toSample(sampleView(sample, health)), in one pass
    sampleFromView: (view) => toSample(view),
    request: (request) => toRequest(request),
  };
}

/** A CEL scope: the library's environment and the fast path's types of its variables. */
interface CompileScope { env: Environment; roots: Record<string, ObjectFastType> }

function compile({ env, roots }: CompileScope, source: string, resultType: CelResultType, evaluator: CelEvaluator): CelProgram {
  let program: ReturnType<Environment['parse']>;
  try {
    program = env.parse(source);
  } catch (err) {
    throw asCompileError(err);
  }
  const checked = program.check();
  if (!checked.valid) throw asCompileError(checked.error);
  if (checked.type !== resultType && checked.type !== 'dyn') {
    throw new CelCompileError(`expression must evaluate to ${resultType}, not ${checked.type}`, 0);
  }
  const fast = evaluator === 'library' ? undefined : compileFast(program.ast, roots, checked.type);
  const { ast } = program;
  if (!fast) return { source, ast, compiled: false, evaluate: (vars) => program(vars) };
  if (evaluator === 'compiled-raw') return { source, ast, compiled: true, evaluate: (vars) => fast(vars as unknown as Record<string, unknown>) };
  // The closure signals any CEL error with a bare sentinel; the library then evaluates the same
  // expression to throw its own, exact error (errors are rare; the common path stays cheap).
  return {
    source, ast, compiled: true,
    evaluate: (vars) => {
      try { return fast(vars as unknown as Record<string, unknown>); } catch { return program(vars); }
    },
  };
}

function asCompileError(err: unknown): CelCompileError {
  const e = err as { summary?: string; message?: string; range?: { start: number } } | undefined;
  const summary = e?.summary ?? String(e?.message ?? err).split('\n')[0];
  return new CelCompileError(summary, e?.range?.start ?? 0);
}
