// Splits a Go text/template source (docker's --format language) into text and actions, and an
// action into tokens. Trim markers follow Go: `{{- ` trims the white space before the action,
// ` -}}` the white space after it. Positions are 1-based character offsets, for error messages.

export class TemplateError extends Error {
  constructor(message: string, readonly pos: number) { super(`at position ${pos}: ${message}`); }
}

export type TokenKind = 'field' | 'variable' | 'identifier' | 'string' | 'number' | 'pipe' | 'open' | 'close' | 'comma' | 'declare';

export interface Token {
  kind: TokenKind;
  text: string;          // field: ".a.b"; variable: "$x.a"; string: the decoded value
  pos: number;
  spaceBefore: boolean;  // `(pipe).Field` chains a field only when nothing separates them
}

export type Piece = { kind: 'text'; text: string } | { kind: 'action'; tokens: Token[]; pos: number };

const WHITE = /\s/;
const WORD = /[A-Za-z0-9_]/;

/** The source's pieces; comments (`{{/* … *\/}}`) are left out. */
export function lexTemplate(source: string): Piece[] {
  const pieces: Piece[] = [];
  let at = 0;
  let trimNext = false;
  while (at < source.length) {
    const open = source.indexOf('{{', at);
    let text = source.slice(at, open === -1 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open === -1) { pushText(pieces, text); break; }
    let i = open + 2;
    if (source[i] === '-' && WHITE.test(source[i + 1] ?? '')) { text = text.replace(/\s+$/, ''); i += 2; }
    pushText(pieces, text);
    const action = lexAction(source, i, open + 1);
    if (!action.comment) {
      if (action.tokens.length === 0) throw new TemplateError('missing value for command', open + 1);
      pieces.push({ kind: 'action', tokens: action.tokens, pos: open + 1 });
    }
    trimNext = action.trimAfter;
    at = action.end;
  }
  return pieces;
}

function pushText(pieces: Piece[], text: string): void {
  if (text !== '') pieces.push({ kind: 'text', text });
}

interface LexedAction { tokens: Token[]; end: number; trimAfter: boolean; comment: boolean }

function lexAction(src: string, start: number, openPos: number): LexedAction {
  let i = start;
  while (WHITE.test(src[i] ?? '')) i++;
  if (src.startsWith('/*', i)) {
    const close = src.indexOf('*/', i + 2);
    if (close === -1) throw new TemplateError('unclosed comment', i + 1);
    let after = close + 2;
    while (WHITE.test(src[after] ?? '')) after++;
    // `*/}}`, or `*/ -}}`: only a trim marker may follow white space.
    const end = after === close + 2 || src.startsWith('-}}', after) ? closing(src, after) : undefined;
    if (end === undefined) throw new TemplateError('comment ends before closing delimiter', close + 1);
    return { tokens: [], end: end.end, trimAfter: end.trim, comment: true };
  }
  const tokens: Token[] = [];
  let spaceBefore = true;
  for (;;) {
    if (i >= src.length) throw new TemplateError('unclosed action', openPos);
    const c = src[i]!;
    const end = closing(src, i);
    if (end !== undefined && (!end.trim || spaceBefore)) return { tokens, end: end.end, trimAfter: end.trim, comment: false };
    if (WHITE.test(c)) { i++; spaceBefore = true; continue; }
    const pos = i + 1;
    const push = (kind: TokenKind, text: string, next: number) => { tokens.push({ kind, text, pos, spaceBefore }); i = next; spaceBefore = false; };
    if (c === '|') push('pipe', c, i + 1);
    else if (c === '(') push('open', c, i + 1);
    else if (c === ')') push('close', c, i + 1);
    else if (c === ',') push('comma', c, i + 1);
    else if (c === ':' && src[i + 1] === '=') push('declare', ':=', i + 2);
    else if (c === '"') { const s = quoted(src, i); push('string', s.value, s.end); }
    else if (c === '`') {
      const close = src.indexOf('`', i + 1);
      if (close === -1) throw new TemplateError('unterminated raw quoted string', pos);
      push('string', src.slice(i + 1, close), close + 1);
    } else if (c === '.' || c === '$') {
      const e = chainEnd(src, c === '$' ? wordEnd(src, i + 1) : i);
      if (c === '.' && e === i) push('field', '.', i + 1); // dot itself
      else push(c === '$' ? 'variable' : 'field', src.slice(i, e), e);
    } else if (/[0-9-]/.test(c)) {
      const m = /^-?(0x[0-9a-fA-F]+|\d+(\.\d+)?([eE][+-]?\d+)?)/.exec(src.slice(i));
      if (!m) throw new TemplateError(`unexpected "${c}" in command`, pos);
      push('number', m[0], i + m[0].length);
    } else if (WORD.test(c)) push('identifier', src.slice(i, wordEnd(src, i)), wordEnd(src, i));
    else throw new TemplateError(`unexpected "${c}" in command`, pos);
  }
}

/** `}}` or `-}}` (after white space) at `i`. */
function closing(src: string, i: number): { end: number; trim: boolean } | undefined {
  if (src.startsWith('}}', i)) return { end: i + 2, trim: false };
  if (src.startsWith('-}}', i)) return { end: i + 3, trim: true };
  return undefined;
}

function wordEnd(src: string, i: number): number {
  while (i < src.length && WORD.test(src[i]!)) i++;
  return i;
}

/** After `.a.b.c` starting at `i` (a `.` followed by a word, repeated). */
function chainEnd(src: string, i: number): number {
  while (src[i] === '.' && WORD.test(src[i + 1] ?? '')) i = wordEnd(src, i + 1);
  return i;
}

/** A double-quoted Go string: the escapes JSON shares with Go. */
function quoted(src: string, i: number): { value: string; end: number } {
  let j = i + 1;
  while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
  if (j >= src.length) throw new TemplateError('unterminated quoted string', i + 1);
  try {
    return { value: JSON.parse(src.slice(i, j + 1)) as string, end: j + 1 };
  } catch {
    throw new TemplateError(`bad escape in string ${src.slice(i, j + 1)}`, i + 1);
  }
}
