// Runs a parsed template over a value decoded from JSON (or a row object of the CLI's own). Fields
// of a missing object key are <no value>, as in Go over a map; in strict mode (the CLI's rows, whose
// fields are all known) a missing key is an error naming the fields there are, like docker's
// "can't evaluate field" on its typed rows. A field holding a function is a method: `.Label "k"`.
import { TemplateError } from './lex.js';
import { callFunction, truthy } from './funcs.js';
import { describeValue, show } from './fmt.js';
import type { ControlNode, Node, Operand, Pipeline } from './parse.js';

type Vars = Map<string, unknown>;

export class Execution {
  private out = '';
  constructor(private readonly strict: boolean, private readonly header: boolean) {}

  run(nodes: Node[], root: unknown): string {
    this.nodes(nodes, root, new Map([['$', root]]));
    return this.out;
  }

  private nodes(nodes: Node[], dot: unknown, vars: Vars): void {
    for (const node of nodes) {
      if (node.kind === 'text') this.out += node.text;
      else if (node.kind === 'print') {
        const value = this.pipeline(node.pipe, dot, vars);
        if (node.pipe.vars.length === 0) this.out += show(value); // a declaration prints nothing
        else declare(vars, node.pipe.vars, value);
      } else if (node.kind === 'range') this.range(node, dot, vars);
      else {
        const scope = new Map(vars); // a variable the pipeline declares is seen by both branches, as in Go
        const value = this.pipeline(node.pipe, dot, scope);
        declare(scope, node.pipe.vars, value);
        if (truthy(value)) this.nodes(node.body, node.kind === 'with' ? value : dot, scope);
        else this.nodes(node.otherwise, dot, scope);
      }
    }
  }

  private range(node: ControlNode, dot: unknown, vars: Vars): void {
    const scope = new Map(vars);
    const value = this.pipeline(node.pipe, dot, scope); // its variables are the element's, set below
    let entries: [unknown, unknown][];
    if (value === undefined || value === null) entries = [];
    else if (Array.isArray(value)) entries = value.map((v, i) => [i, v]);
    else if (typeof value === 'object') entries = Object.keys(value).sort().map((k) => [k, (value as Record<string, unknown>)[k]]);
    else if (typeof value === 'number' && Number.isInteger(value) && value >= 0) entries = Array.from({ length: value }, (_, i) => [i, i]);
    else throw new TemplateError(`range can't iterate over ${describeValue(value)}`, node.pos);
    if (entries.length === 0) { this.nodes(node.otherwise, dot, scope); return; }
    const [first, second] = node.pipe.vars;
    for (const [key, element] of entries) {
      const each = new Map(scope);
      if (second !== undefined) { each.set(first!, key); each.set(second, element); }
      else if (first !== undefined) each.set(first, element);
      this.nodes(node.body, element, each);
    }
  }

  private pipeline(pipe: Pipeline, dot: unknown, vars: Vars): unknown {
    let value: unknown;
    pipe.commands.forEach((operands, i) => { value = this.command(operands, dot, vars, i === 0 ? [] : [value]); });
    return value;
  }

  /** One command: a function call, a method call, or a single value; `piped` is the previous command's result. */
  private command(operands: Operand[], dot: unknown, vars: Vars, piped: unknown[]): unknown {
    const [head, ...rest] = operands as [Operand, ...Operand[]];
    const args = () => [...rest.map((o) => this.operand(o, dot, vars)), ...piped];
    if (head.kind === 'call') return callFunction(head.name, args(), head.pos, this.header);
    if (head.kind === 'field' && head.path.length > 0) {
      const name = head.path[head.path.length - 1]!;
      const value = this.resolve(head, dot, vars, head.path);
      if (typeof value === 'function') return this.method(name, value, args(), head.pos);
      if (rest.length > 0 || piped.length > 0) throw new TemplateError(`${name} is not a method but has arguments`, head.pos);
      return value;
    }
    if (rest.length > 0 || piped.length > 0) throw new TemplateError(`can't give argument to non-function ${describe(head)}`, head.pos);
    return this.operand(head, dot, vars);
  }

  private operand(o: Operand, dot: unknown, vars: Vars): unknown {
    switch (o.kind) {
      case 'literal': return o.value;
      case 'call': return callFunction(o.name, [], o.pos, this.header);
      case 'field': {
        const value = this.resolve(o, dot, vars, o.path);
        return typeof value === 'function' ? this.method(o.path[o.path.length - 1] ?? '', value, [], o.pos) : value;
      }
      case 'sub': return this.walk(this.pipeline(o.pipe, dot, new Map(vars)), o.path, o.pos);
    }
  }

  /** The value at `path` below the operand's base (dot, `$` or a variable). */
  private resolve(o: Extract<Operand, { kind: 'field' }>, dot: unknown, vars: Vars, path: string[]): unknown {
    if (o.base !== undefined && !vars.has(o.base)) throw new TemplateError(`undefined variable "${o.base}"`, o.pos);
    return this.walk(o.base === undefined ? dot : vars.get(o.base), path, o.pos);
  }

  private walk(value: unknown, path: string[], pos: number): unknown {
    for (const name of path) value = this.field(value, name, pos);
    return value;
  }

  private field(value: unknown, name: string, pos: number): unknown {
    if (value === undefined || value === null) throw new TemplateError(`nil value has no field ${name}`, pos);
    if (typeof value !== 'object' || Array.isArray(value)) throw new TemplateError(`can't evaluate field ${name} in ${describeValue(value)}`, pos);
    if (Object.hasOwn(value, name)) return (value as Record<string, unknown>)[name];
    if (this.strict) throw new TemplateError(`no field ${name} (there are: ${Object.keys(value).join(', ')})`, pos);
    return undefined;
  }

  private method(name: string, fn: Function, args: unknown[], pos: number): unknown {
    if (fn.length !== args.length) throw new TemplateError(`wrong number of args for ${name}: want ${fn.length} got ${args.length}`, pos);
    return fn(...args);
  }
}

function declare(vars: Vars, names: string[], value: unknown): void {
  for (const name of names) vars.set(name, value);
}

function describe(o: Operand): string {
  if (o.kind === 'literal') return JSON.stringify(o.value);
  if (o.kind === 'field') return [o.base ?? '', ...o.path].join('.') || '.';
  return '(…)';
}
