// Parsers that read a stat file's figures straight from the bytes pread() left in the read
// buffer: the hot files (stat-file.ts HotFile: the CPU probe, memory usage, pids, v1 throttling)
// are read for most containers on most ticks, and decoding their few bytes into a string first
// costs more than parsing them.

const NEWLINE = 10;
const SPACE = 32;
const ZERO = 48;
const NINE = 57;

/** The unsigned decimal in bytes[from, to) up to its first non-digit; 0 when it starts with none. */
export function parseUintBytes(bytes: Uint8Array, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = bytes[i];
    if (c < ZERO || c > NINE) break;
    value = value * 10 + (c - ZERO);
  }
  return value;
}

/**
 * A flat keyed file (`key value` per line, cpu.stat) parsed for a fixed list of keys, with
 * no allocation per parse: the values land in `values`, in the order of the keys, 0 for a key
 * the file lacks (an older kernel, a controller that is off). A key matches whole words only.
 */
export class FlatKeyedBytes {
  readonly values: Float64Array;
  private readonly keys: Uint8Array[];

  constructor(keys: readonly string[]) {
    this.keys = keys.map((k) => Buffer.from(k, 'latin1'));
    this.values = new Float64Array(keys.length);
  }

  parse(bytes: Uint8Array, length: number): Float64Array {
    this.values.fill(0);
    let line = 0;
    while (line < length) {
      let space = line;
      while (space < length && bytes[space] !== SPACE && bytes[space] !== NEWLINE) space++;
      let end = space;
      while (end < length && bytes[end] !== NEWLINE) end++;
      const key = space < end ? this.keyAt(bytes, line, space) : -1;
      if (key >= 0) this.values[key] = parseUintBytes(bytes, space + 1, end);
      line = end + 1;
    }
    return this.values;
  }

  /** Index of the key spelled by bytes[from, to), or -1. */
  private keyAt(bytes: Uint8Array, from: number, to: number): number {
    for (let k = 0; k < this.keys.length; k++) {
      const key = this.keys[k];
      if (key.length !== to - from) continue;
      let i = 0;
      while (i < key.length && key[i] === bytes[from + i]) i++;
      if (i === key.length) return k;
    }
    return -1;
  }
}
