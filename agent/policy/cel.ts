// Thin wrapper over @marcbachmann/cel-js: two typed environments (admission: `container`;
// runtime: `container` + `sample`), expressions compiled and type-checked once at load time, and
// converters that turn a ResolvedSpec / ContainerSample into typed CEL values once per evaluation
// round. The int/double decision is documented in cel-schema.ts.
import { Environment } from '@marcbachmann/cel-js';
import type { ResolvedSpec } from '../runtime/types.js';
import type { ContainerSample } from '../sampler/types.js';
import { CONTAINER_SCHEMA, SAMPLE_SCHEMA } from './cel-schema.js';
import { registerObjectType, type Converter } from './cel-types.js';
import { sampleView } from './sample-view.js';

export type CelScope = 'admission' | 'runtime';
export type CelResultType = 'bool' | 'string';
/** Typed CEL values, made by `CelEnv.container()` / `CelEnv.sample()`. */
export type CelValue = Record<string, unknown>;
export interface CelVars { container: CelValue; sample?: CelValue }

export interface CelProgram {
  readonly source: string;
  /** Throws the library's EvaluationError on a runtime error (e.g. a missing map key). */
  evaluate(vars: CelVars): unknown;
}

/** A compile or type error: `message` is one line; `offset` is where in the expression (0-based). */
export class CelCompileError extends Error {
  constructor(message: string, readonly offset: number) { super(message); this.name = 'CelCompileError'; }
}

export interface CelEnv {
  compile(source: string, scope: CelScope, resultType: CelResultType): CelProgram;
  container(spec: ResolvedSpec): CelValue;
  sample(sample: ContainerSample): CelValue;
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
  const toContainer = registerObjectType(base, 'Container', CONTAINER_SCHEMA);
  const toSample = registerObjectType(base, 'Sample', SAMPLE_SCHEMA);
  base.registerVariable('container', 'Container');
  // clone() freezes `base`: admission expressions cannot see `sample`, runtime ones can.
  const admission = base.clone();
  const runtime = base.clone().registerVariable('sample', 'Sample');
  const envs: Record<CelScope, Environment> = { admission, runtime };
  return {
    compile: (source, scope, resultType) => compile(envs[scope], source, resultType),
    container: (spec) => toContainer(spec),
    sample: (sample) => toSample(sampleView(sample)),
    sampleFromView: (view) => toSample(view),
  };
}

function compile(env: Environment, source: string, resultType: CelResultType): CelProgram {
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
  return { source, evaluate: (vars) => program(vars) };
}

function asCompileError(err: unknown): CelCompileError {
  const e = err as { summary?: string; message?: string; range?: { start: number } } | undefined;
  const summary = e?.summary ?? String(e?.message ?? err).split('\n')[0];
  return new CelCompileError(summary, e?.range?.start ?? 0);
}

export type { Converter };
