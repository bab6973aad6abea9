// docker's --format language: Go text/template with docker's functions. compileTemplate parses
// once (errors name the position); execute runs it over one value.
import { Execution } from './exec.js';
import { FUNCTION_NAMES } from './funcs.js';
import { parseTemplate } from './parse.js';

export { TemplateError } from './lex.js';

export interface ExecuteOptions {
  /** A field missing from an object is an error instead of <no value>. */
  strict?: boolean;
  /** Running over a table's column names: docker's functions return their value unchanged. */
  header?: boolean;
}

export interface Template {
  execute(value: unknown, opts?: ExecuteOptions): string;
}

export function compileTemplate(source: string): Template {
  const nodes = parseTemplate(source, FUNCTION_NAMES);
  return { execute: (value, opts) => new Execution(opts?.strict ?? false, opts?.header ?? false).run(nodes, value) };
}
