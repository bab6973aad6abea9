// Parsers for configuration values. Each takes the raw value and `where` it came from (a flag,
// an env variable or file:line key) so every error names the source and the problem.
import { isAbsolute, resolve } from 'node:path';
import { BerthError } from './errors.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ListenAddress { host: string; port: number }

export function invalid(where: string, problem: string): BerthError {
  return new BerthError('INVALID_CONFIG', `${where}: ${problem}`, { key: where });
}

export function asString(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalid(where, `expected a string, got ${value === null ? 'null' : typeof value}`);
}

export function nonEmpty(value: unknown, where: string): string {
  const s = asString(value, where).trim();
  if (!s) throw invalid(where, 'must not be empty');
  return s;
}

/** Relative paths are taken relative to `base` (the cwd for flags/env, the file's directory for a config file). */
export function path(value: unknown, where: string, base: string): string {
  const s = nonEmpty(value, where);
  return isAbsolute(s) ? s : resolve(base, s);
}

/** "" or "none" turns an optional path off. */
export function optionalPath(value: unknown, where: string, base: string): string {
  const s = asString(value, where).trim();
  return s === '' || s === 'none' ? '' : path(s, where, base);
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "1s", "200ms", "1.5s", "2m" → milliseconds. A bare number is refused: the unit would be a guess. */
export function durationMs(value: unknown, where: string): number {
  const s = asString(value, where).trim();
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(s);
  if (!m) throw invalid(where, `"${s}" is not a duration; use a number with a unit: 500ms, 1s, 2m`);
  const ms = Number(m[1]) * DURATION_UNITS[m[2]!]!;
  if (ms < 10) throw invalid(where, `"${s}" is too short; the minimum is 10ms`);
  return Math.round(ms);
}

/** A whole count ≥ 1, given as a number or a string of digits. */
export function positiveInt(value: unknown, where: string): number {
  const s = typeof value === 'number' ? String(value) : asString(value, where).trim();
  if (!/^\d+$/.test(s) || Number(s) < 1) throw invalid(where, `"${s}" is not a whole number ≥ 1`);
  return Number(s);
}

/** A share of one core: "3%" or "3" (percent, > 0 and ≤ 100) → 0.03; "none" → null (no limit). */
export function coreShare(value: unknown, where: string): number | null {
  const s = typeof value === 'number' ? String(value) : asString(value, where).trim();
  if (s.toLowerCase() === 'none') return null;
  const m = /^(\d+(?:\.\d+)?)\s*%?$/.exec(s);
  const percent = m ? Number(m[1]) : NaN;
  if (!(percent > 0 && percent <= 100)) throw invalid(where, `"${s}" is not a share of one core; use a percentage in (0, 100] such as 3% or 0.5%, or none`);
  return percent / 100;
}

export function logLevel(value: unknown, where: string): LogLevel {
  const s = asString(value, where).trim().toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(s)) return s as LogLevel;
  throw invalid(where, `"${s}" is not a log level; use one of ${LOG_LEVELS.join(', ')}`);
}

/** "127.0.0.1:9465", "[::1]:9465", ":9465" (all interfaces) or "none" (no TCP listener). */
export function listenAddress(value: unknown, where: string): ListenAddress | null {
  const s = asString(value, where).trim();
  if (s === 'none' || s === '') return null;
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]*)):(\d{1,5})$/.exec(s);
  if (!m) throw invalid(where, `"${s}" is not an address; use host:port, [ipv6]:port or none`);
  const port = Number(m[3]);
  if (port > 65535) throw invalid(where, `port ${port} is out of range 0..65535`);
  const host = m[1] ?? (m[2] || '0.0.0.0');
  return { host, port };
}

/** A cgroup parent is a relative path of plain names: it must never climb out of, or point at, the root. */
export function cgroupParent(value: unknown, where: string): string {
  const s = nonEmpty(value, where).replace(/^\/+|\/+$/g, '');
  const parts = s.split('/');
  if (!s || parts.some((p) => p === '' || p === '.' || p === '..' || !/^[A-Za-z0-9_.@-]+$/.test(p))) {
    throw invalid(where, `"${s}" is not a cgroup parent; use names of letters, digits, _ . @ - separated by /`);
  }
  return s;
}

export function token(value: unknown, where: string): string {
  const s = asString(value, where).trim();
  if (s && s.length < 16) throw invalid(where, 'a bearer token must be at least 16 characters long');
  if (/\s/.test(s)) throw invalid(where, 'a bearer token must not contain whitespace');
  return s;
}

/**
 * Container labels exported as container_label_* series labels: "all", "none" (or "") or keys
 * separated by commas (a list in a config file), as given to `-l`, before cAdvisor's sanitizing.
 */
export function labelSelection(value: unknown, where: string): 'all' | string[] {
  const keys = Array.isArray(value) ? value.map((k, i) => asString(k, `${where}[${i}]`).trim()) : asString(value, where).split(',').map((k) => k.trim());
  if (keys.length === 1 && (keys[0] === 'all' || keys[0] === 'none' || keys[0] === '')) return keys[0] === 'all' ? 'all' : [];
  const empty = keys.indexOf('');
  if (empty >= 0) throw invalid(where, `label key ${empty + 1} of ${keys.length} is empty; use all, none or keys separated by commas, e.g. tier,com.docker.compose.service`);
  return [...new Set(keys)];
}
