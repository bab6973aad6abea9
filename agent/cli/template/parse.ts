// Builds the tree of a Go text/template from the lexer's pieces: text, printed pipelines, and the
// control structures if / with / range with else, else if, else with (docker's --format language).
import { lexTemplate, TemplateError, type Piece, type Token } from './lex.js';

export type Node = { kind: 'text'; text: string } | { kind: 'print'; pipe: Pipeline } | ControlNode;

export interface ControlNode { kind: Control; pipe: Pipeline; body: Node[]; otherwise: Node[]; pos: number }

/** `$a, $b := cmd | cmd …`; each command's operands, of which the first may name a function. */
export interface Pipeline { vars: string[]; commands: Operand[][]; pos: number }

export type Operand =
  | { kind: 'field'; base: string | undefined; path: string[]; pos: number } // base: undefined = dot, '$' or '$name'
  | { kind: 'call'; name: string; pos: number }
  | { kind: 'literal'; value: string | number | boolean | null; pos: number }
  | { kind: 'sub'; pipe: Pipeline; path: string[]; pos: number };             // (pipeline).Field

export type Control = 'if' | 'with' | 'range';
interface Stop { keyword: 'end' | 'else'; tokens: Token[]; pos: number }

const UNSUPPORTED = new Set(['define', 'template', 'block', 'break', 'continue']);

export function parseTemplate(source: string, functions: ReadonlySet<string>): Node[] {
  const parser = new Parser(lexTemplate(source), functions);
  const { nodes, stop } = parser.list();
  if (stop) throw new TemplateError(`unexpected {{${stop.keyword}}}`, stop.pos);
  return nodes;
}

class Parser {
  private at = 0;
  constructor(private readonly pieces: Piece[], private readonly functions: ReadonlySet<string>) {}

  /** Nodes up to the end of the pieces or to an {{end}} / {{else …}}, which is returned. */
  list(): { nodes: Node[]; stop?: Stop } {
    const nodes: Node[] = [];
    while (this.at < this.pieces.length) {
      const piece = this.pieces[this.at++]!;
      if (piece.kind === 'text') { nodes.push(piece); continue; }
      const [first, ...rest] = piece.tokens;
      const keyword = first!.kind === 'identifier' ? first!.text : '';
      if (keyword === 'end' || keyword === 'else') {
        if (keyword === 'end' && rest.length > 0) throw new TemplateError('unexpected words after {{end}}', piece.pos);
        return { nodes, stop: { keyword, tokens: rest, pos: piece.pos } };
      }
      if (keyword === 'if' || keyword === 'with' || keyword === 'range') nodes.push(this.control(keyword, rest, piece.pos));
      else if (UNSUPPORTED.has(keyword)) throw new TemplateError(`{{${keyword}}} is not supported`, piece.pos);
      else nodes.push({ kind: 'print', pipe: this.pipeline(piece.tokens, piece.pos, 1) });
    }
    return { nodes };
  }

  private control(kind: Control, tokens: Token[], pos: number): Node {
    if (tokens.length === 0) throw new TemplateError(`missing value for ${kind}`, pos);
    const pipe = this.pipeline(tokens, pos, kind === 'range' ? 2 : 1);
    const { nodes: body, stop } = this.list();
    if (!stop) throw new TemplateError(`{{${kind}}} has no {{end}}`, pos);
    let otherwise: Node[] = [];
    if (stop.keyword === 'else') {
      const [chained, ...rest] = stop.tokens;
      if (chained && chained.kind === 'identifier' && (chained.text === 'if' || chained.text === 'with')) {
        otherwise = [this.control(chained.text, rest, stop.pos)]; // {{else if …}} shares this {{end}}
      } else if (chained) {
        throw new TemplateError('{{else}} takes no value, or `if`/`with` and a pipeline', stop.pos);
      } else {
        const after = this.list();
        if (after.stop?.keyword !== 'end') throw new TemplateError(`{{${kind}}} has no {{end}} after its {{else}}`, pos);
        otherwise = after.nodes;
      }
    }
    return { kind, pipe, body, otherwise, pos };
  }

  private pipeline(tokens: Token[], pos: number, maxVars: number): Pipeline {
    const vars: string[] = [];
    const declare = tokens.findIndex((t) => t.kind === 'declare');
    if (declare !== -1) {
      const names = tokens.slice(0, declare);
      for (let i = 0; i < names.length; i++) {
        const t = names[i]!;
        const ok = i % 2 === 0 ? t.kind === 'variable' && /^\$\w+$/.test(t.text) : t.kind === 'comma';
        if (!ok) throw new TemplateError(`unexpected "${t.text}" in declaration`, t.pos);
      }
      for (let i = 0; i < names.length; i += 2) vars.push(names[i]!.text);
      if (names.length % 2 === 0) throw new TemplateError('missing variable in declaration', tokens[declare]!.pos);
      if (vars.length > maxVars) throw new TemplateError('too many declarations', tokens[declare]!.pos);
      tokens = tokens.slice(declare + 1);
    }
    const commands: Operand[][] = [];
    let current: Operand[] = [];
    let i = 0;
    const end = (t?: Token) => {
      if (current.length === 0) throw new TemplateError('missing value for command', t?.pos ?? pos);
      commands.push(current);
      current = [];
    };
    while (i < tokens.length) {
      const t = tokens[i]!;
      if (t.kind === 'pipe') { end(t); i++; continue; }
      const { operand, next } = this.operand(tokens, i);
      current.push(operand);
      i = next;
    }
    end();
    return { vars, commands, pos };
  }

  private operand(tokens: Token[], i: number): { operand: Operand; next: number } {
    const t = tokens[i]!;
    switch (t.kind) {
      case 'field':
        return { operand: { kind: 'field', base: undefined, path: t.text === '.' ? [] : t.text.slice(1).split('.'), pos: t.pos }, next: i + 1 };
      case 'variable': {
        const [base, ...path] = t.text.split('.');
        return { operand: { kind: 'field', base, path, pos: t.pos }, next: i + 1 };
      }
      case 'string': return { operand: { kind: 'literal', value: t.text, pos: t.pos }, next: i + 1 };
      case 'number': return { operand: { kind: 'literal', value: Number(t.text), pos: t.pos }, next: i + 1 };
      case 'identifier': {
        if (t.text === 'true' || t.text === 'false') return { operand: { kind: 'literal', value: t.text === 'true', pos: t.pos }, next: i + 1 };
        if (t.text === 'nil') return { operand: { kind: 'literal', value: null, pos: t.pos }, next: i + 1 };
        if (!this.functions.has(t.text)) throw new TemplateError(`function "${t.text}" not defined`, t.pos);
        return { operand: { kind: 'call', name: t.text, pos: t.pos }, next: i + 1 };
      }
      case 'open': {
        const close = matchingClose(tokens, i);
        const pipe = this.pipeline(tokens.slice(i + 1, close), t.pos, 0);
        const chained = tokens[close + 1];
        if (chained?.kind === 'field' && !chained.spaceBefore && chained.text !== '.') {
          return { operand: { kind: 'sub', pipe, path: chained.text.slice(1).split('.'), pos: t.pos }, next: close + 2 };
        }
        return { operand: { kind: 'sub', pipe, path: [], pos: t.pos }, next: close + 1 };
      }
      default:
        throw new TemplateError(`unexpected "${t.text}" in operand`, t.pos);
    }
  }
}

function matchingClose(tokens: Token[], open: number): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i]!.kind === 'open') depth++;
    else if (tokens[i]!.kind === 'close' && --depth === 0) return i;
  }
  throw new TemplateError('unclosed left paren', tokens[open]!.pos);
}
