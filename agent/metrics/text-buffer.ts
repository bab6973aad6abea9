// Where the exposition text is written: 1 MiB Buffers filled in place, a new one whenever the
// current one is full; the text is the list of those pieces (a dozen for 1000 containers), sent
// to the network as they are (a string is made only for callers that want one: tests, metrics()).
//
// Why not build the string directly: 1000 containers are ~70k series, ~13 MB. Built with `+=`
// that is a rope of some 200k nodes which all live until the render ends (the young-generation
// GC copies them) and which is walked node by node again when the response flattens it.
// Why pieces and not one big Buffer: a Buffer that grows is copied and is fresh memory each time;
// on this VM a fresh page is a slow fault (~3,200 faults, ~45 ms per 13 MB). Why send the pieces
// and not a string: a string of them would be flattened and encoded back to bytes for the socket,
// twice 13 MB of fresh memory per tick. Why recycle pieces: a fresh 1 MiB piece is fresh pages,
// and left to the GC and glibc they came back fresh (mmap'd) often enough that a render of 1000
// containers took 45-75 ms here instead of 15-30 with pieces that were written before. The owner
// of a text hands its pieces back (`recycle`) once nothing will read them again.

/** Text encoded once (label prefixes, family headers, label pairs) and copied into renders as bytes. */
export interface EncodedText { readonly text: string; readonly bytes: Uint8Array }

export function encodeText(text: string): EncodedText {
  return { text, bytes: Buffer.from(text, 'utf8') };
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
const COMMA = 0x2c;
const SPACE = 0x20;
const NEWLINE = 0x0a;
const CLOSE_BRACE = 0x7d;
/** 10^0 … 10^15: a safe integer (< 2^53 ≈ 9.007e15) has at most 16 digits. */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, i) => 10 ** i);
const MAX_INTEGER_BYTES = 17; // '-' and 16 digits

export class ExpositionBuffer {
  /** Whole pieces handed back, written into again before any fresh one is allocated. */
  private readonly spare: Buffer[] = [];
  private buf = this.freshPiece();
  private used = 0;
  /** The pieces finished so far; a piece never ends inside a UTF-8 sequence. */
  private pieces: Buffer[] = [];

  /** Drops anything written and not taken (a render that threw half-way). */
  reset(): void {
    this.pieces = [];
    this.used = 0;
  }

  bytes(text: EncodedText): void {
    const { bytes } = text;
    this.reserve(bytes.length);
    this.buf.set(bytes, this.used);
    this.used += bytes.length;
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
        return;
      }
      buf[at++] = code;
    }
    this.used = at;
  }

  /** A sample value, exactly as `formatValue` spells it. */
  value(v: number): void {
    if (Number.isSafeInteger(v)) {
      this.reserve(MAX_INTEGER_BYTES);
      this.used = writeInteger(this.buf, this.used, v);
    } else {
      this.string(formatValue(v));
    }
  }

  /**
   * One series, `name{labels,extra} value` and a newline; `labels` is `{…` without its closing
   * brace. The bulk of a render (70k lines for 1000 containers) goes through here, so it is one
   * call with one bounds check (written piece by piece a line was ~15 calls; a render took ~10 %
   * longer).
   */
  series(name: Uint8Array, labels: Uint8Array, extra: Uint8Array | undefined, v: number): void {
    this.reserve(name.length + labels.length + (extra ? extra.length + 1 : 0) + 3 + MAX_INTEGER_BYTES);
    const buf = this.buf;
    let at = this.used;
    buf.set(name, at);
    at += name.length;
    buf.set(labels, at);
    at += labels.length;
    if (extra) {
      buf[at++] = COMMA;
      buf.set(extra, at);
      at += extra.length;
    }
    buf[at++] = CLOSE_BRACE;
    buf[at++] = SPACE;
    if (Number.isSafeInteger(v)) {
      at = writeInteger(buf, at, v);
      buf[at++] = NEWLINE;
      this.used = at;
    } else {
      this.used = at;
      this.string(formatValue(v));
      this.byte(NEWLINE);
    }
  }

  /** The bytes written since `reset`, as pieces that now belong to the caller; starts the next text. */
  takePieces(): Buffer[] {
    this.flush();
    const pieces = this.pieces;
    this.pieces = [];
    return pieces;
  }

  /** The text written since `reset`, as one string; starts the next one. */
  take(): string {
    return piecesToString(this.takePieces());
  }

  /**
   * Takes back pieces of an earlier text that nothing reads any more (no socket is still sending
   * them): later texts are written into them. Keeps at most `keep` spare pieces (the size of a
   * text, so a fleet that shrank does not pin the memory of its largest text).
   */
  recycle(pieces: readonly Buffer[], keep: number): void {
    for (const piece of pieces) {
      if (this.spare.length >= keep) return;
      // Only whole standard pieces: one grown for an oversized value stays with the GC.
      if (piece.byteOffset === 0 && piece.buffer.byteLength === PIECE_BYTES) this.spare.push(Buffer.from(piece.buffer, 0, PIECE_BYTES));
    }
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

  /** The filled part becomes a piece (no copy); writing goes on in another buffer. */
  private flush(): void {
    if (this.used === 0) return;
    this.pieces.push(this.buf.subarray(0, this.used));
    this.buf = this.freshPiece();
    this.used = 0;
  }

  private freshPiece(): Buffer {
    return this.spare.pop() ?? Buffer.allocUnsafeSlow(PIECE_BYTES);
  }
}

/**
 * The digits of a safe integer into `buf` at `at`; returns the position after them. Straight into
 * the buffer: most values are byte and event counts, and `String(v)` of an integer above 2^31
 * takes V8's double-to-shortest path (~200 ns; this is a few ns). For a safe integer both give
 * its exact decimal digits (every integer below 2^53 is a distinct double).
 */
function writeInteger(buf: Buffer, at: number, v: number): number {
  if (v < 0) { buf[at++] = MINUS; v = -v; } // -0 is not < 0: it prints "0", as String(-0) does
  let digits = 1;
  while (digits < POWERS_OF_TEN.length && v >= POWERS_OF_TEN[digits]) digits++;
  const end = at + digits;
  let pos = end;
  do {
    const rest = Math.floor(v / 10);
    buf[--pos] = ZERO + (v - rest * 10);
    v = rest;
  } while (v > 0);
  return end;
}

/** Pieces end on character boundaries, so each decodes on its own. */
export function piecesToString(pieces: readonly Buffer[]): string {
  let text = '';
  for (const piece of pieces) text += piece.toString('utf8');
  return text;
}
