// Where the exposition text is written: one 1 MiB Buffer kept across renders, filled in place and
// turned into a string piece whenever it is full; the text is the rope of those pieces (a dozen
// for 1000 containers).
//
// Why not build the string directly: 1000 containers are ~70k series, ~13 MB. Built with `+=`
// that is a rope of some 200k nodes which all live until the render ends (the young-generation
// GC copies them) and which is walked node by node again when the response flattens it.
// Why not one big Buffer: its 13 MB are fresh memory on the first render (and whenever it grows)
// on top of the 13 MB of the string; on this VM a fresh page is a slow fault (~3,200 faults,
// ~45 ms per 13 MB). Why 1 MiB: Node makes a latin1 string of more than ~1 MB (EXTERN_APEX in its
// string_bytes.cc) external: malloc'd, never copied by the GC, and glibc hands the same memory
// out again render after render. A smaller piece lands on the V8 heap, where a large object is
// fresh memory every time; a bigger one only makes the first render touch more.

/** Text encoded once (label prefixes, family headers) and copied into renders as bytes. */
export interface EncodedText { readonly bytes: Uint8Array; readonly ascii: boolean }

export function encodeText(text: string): EncodedText {
  const bytes = Buffer.from(text, 'utf8');
  // UTF-8 is longer than UTF-16 exactly when some character is not ASCII.
  return { bytes, ascii: bytes.length === text.length };
}

/** Prometheus' spelling of the non-finite values; everything else is JavaScript's own `String(v)`. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

const PIECE_BYTES = 1024 * 1024;
const ZERO = 0x30;
const MINUS = 0x2d;
/** 10^0 … 10^15: a safe integer (< 2^53 ≈ 9.007e15) has at most 16 digits. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, i) => 10 ** i);
const MAX_INTEGER_BYTES = 17; // '-' and 16 digits

export class ExpositionBuffer {
  private buf = Buffer.allocUnsafeSlow(PIECE_BYTES);
  private used = 0;
  /** Only ASCII in the buffer: decoding it as latin1 is then exact (and the fast path). */
  private ascii = true;
  /** The pieces finished so far. */
  private text = '';

  /** Drops anything written and not taken (a render that threw half-way). */
  reset(): void {
    this.text = '';
    this.used = 0;
    this.ascii = true;
  }

  bytes(text: EncodedText): void {
    const { bytes } = text;
    this.reserve(bytes.length);
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
    if (!text.ascii) this.ascii = false;
  }

  /** One ASCII character by its code (`{`, `,`, newline …). */
  byte(code: number): void {
    this.reserve(1);
    this.buf[this.used++] = code;
  }

  /** Any text; a lone surrogate comes out as U+FFFD, as it would on the wire anyway. */
  string(text: string): void {
    this.reserve(text.length * 3); // UTF-8 needs at most 3 bytes per UTF-16 unit
    const buf = this.buf;
    let at = this.used;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        this.used += buf.write(text, this.used, 'utf8');
        this.ascii = false;
        return;
      }
      buf[at++] = code;
    }
    this.used = at;
  }

  /** A sample value, exactly as `formatValue` spells it. */
  value(v: number): void {
    if (Number.isSafeInteger(v)) this.integer(v);
    else this.string(formatValue(v));
  }

  /** The text written since `reset`; starts the next one. */
  take(): string {
    this.flush();
    const text = this.text;
    this.text = '';
    return text;
  }

  /**
   * Digits straight into the buffer: most values are byte and event counts, and `String(v)` of an
   * integer above 2^31 takes V8's double-to-shortest path (~200 ns; this is a few ns). For a safe
   * integer both give its exact decimal digits (every integer below 2^53 is a distinct double).
   */
  private integer(v: number): void {
    this.reserve(MAX_INTEGER_BYTES);
    const buf = this.buf;
    if (v < 0) { buf[this.used++] = MINUS; v = -v; } // -0 is not < 0: it prints "0", as String(-0) does
    let digits = 1;
    while (digits < POWERS_OF_TEN.length && v >= POWERS_OF_TEN[digits]) digits++;
    let at = this.used + digits;
    this.used = at;
    do {
      const rest = Math.floor(v / 10);
      buf[--at] = ZERO + (v - rest * 10);
      v = rest;
    } while (v > 0);
  }

  /**
   * Makes room for `n` bytes, turning the buffer into a piece first when they do not fit: one
   * write never spans two pieces, so a UTF-8 sequence is never cut in half.
   */
  private reserve(n: number): void {
    if (this.used + n <= this.buf.length) return;
    this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafeSlow(n); // one label value longer than a piece
  }

  private flush(): void {
    if (this.used === 0) return;
    this.text += this.buf.toString(this.ascii ? 'latin1' : 'utf8', 0, this.used);
    this.used = 0;
    this.ascii = true;
  }
}
