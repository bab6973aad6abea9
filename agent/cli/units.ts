// Sizes and durations as docker's CLI reads and prints them: `-m 64m` is binary (64 MiB),
// `--cpus 0.5` is fractional cores, memory is shown in binary units (MiB, GiB).
import { usageError } from './args.js';

const BINARY: Record<string, number> = { '': 1, b: 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

/** "64m", "1.5g", "512k", "1048576", "64MiB" → bytes (docker's RAMInBytes: binary units, case-insensitive). */
export function parseBytes(value: string, flag: string, command: string): number {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp]?)(?:i?b)?$/i.exec(value.trim());
  if (!m) throw usageError(command, `invalid size "${value}" for ${flag}: use a number with an optional unit b, k, m or g (binary), e.g. 64m`, flag);
  const bytes = Math.round(Number(m[1]) * BINARY[m[2]!.toLowerCase()]!);
  if (!Number.isSafeInteger(bytes)) throw usageError(command, `size "${value}" for ${flag} is too large`, flag);
  return bytes;
}

export function parseInteger(value: string, flag: string, command: string, min = Number.MIN_SAFE_INTEGER): number {
  if (!/^-?\d+$/.test(value.trim())) throw usageError(command, `invalid argument "${value}" for ${flag}: not an integer`, flag);
  const n = Number(value);
  if (n < min) throw usageError(command, `invalid argument "${value}" for ${flag}: must be at least ${min}`, flag);
  return n;
}

export function parseDecimal(value: string, flag: string, command: string, min = 0): number {
  if (!/^\d*\.?\d+$/.test(value.trim())) throw usageError(command, `invalid argument "${value}" for ${flag}: not a number`, flag);
  const n = Number(value);
  if (n < min) throw usageError(command, `invalid argument "${value}" for ${flag}: must be at least ${min}`, flag);
  return n;
}

const BINARY_ABBRS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const DECIMAL_ABBRS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

function humanSize(bytes: number, base: number, abbrs: readonly string[], precision: number): string {
  let value = bytes;
  let i = 0;
  while (value >= base && i < abbrs.length - 1) { value /= base; i++; }
  return `${Number(value.toPrecision(precision))}${abbrs[i]}`;
}

/** docker's units.BytesSize: "%.4g" with binary suffixes, e.g. 1.944GiB, 64MiB, 512B. */
export function formatBytes(bytes: number): string {
  return humanSize(bytes, 1024, BINARY_ABBRS, 4);
}

/** docker's units.HumanSizeWithPrecision(x, 3) (4 is its HumanSize): decimal suffixes, e.g. 1.05MB, 720kB, 0B. */
export function formatDecimalBytes(bytes: number, precision = 3): string {
  return humanSize(bytes, 1000, DECIMAL_ABBRS, precision);
}

const DURATION_UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** A Go duration as docker's flags take it ("30s", "1m30s", "500ms") → seconds. */
export function parseDuration(value: string, flag: string, command: string): number {
  const parts = [...value.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== value.trim()) {
    throw usageError(command, `invalid argument "${value}" for ${flag}: not a duration like 30s, 1m30s or 500ms`, flag);
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * DURATION_UNITS[p[2]!]!, 0);
}
