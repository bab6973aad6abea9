// JSON text → value for profile files: syntax errors say line:column, and integers too large for
// a double (uint64 masks like 0xffffffffffffffff) survive as exact decimal strings tagged with
// BIG_INTEGER_TAG, which parse.ts turns into bigint.

export const BIG_INTEGER_TAG = '\u0000uint64:';

export class JsonTextError extends Error {}

export function parseJsonText(text: string): unknown {
  try {
    JSON.parse(text);
  } catch (err) {
    throw new JsonTextError(describeSyntaxError(text, err));
  }
  // Only a run of 16+ digits can exceed 2^53 − 1; most profiles skip the rewrite.
  return /\d{16}/.test(text) ? JSON.parse(tagBigIntegers(text)) : JSON.parse(text);
}

function describeSyntaxError(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const position = /position (\d+)/.exec(message)?.[1];
  if (position === undefined) return `invalid JSON: ${message}`;
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return `invalid JSON at line ${line} column ${column}: ${message.replace(/ in JSON at position \d+.*$/, '')}`;
}

/** Quotes integer literals above 2^53 − 1 that stand outside strings; the text is known to be valid JSON. */
function tagBigIntegers(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = stringEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      const literal = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))![0];
      const isBigInteger = /^\d+$/.test(literal) && !Number.isSafeInteger(Number(literal));
      out += isBigInteger ? JSON.stringify(BIG_INTEGER_TAG + literal) : literal;
      i += literal.length;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}
