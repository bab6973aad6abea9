// -v/--volume, --tmpfs and --mount as docker reads them → the spec's mounts. berth has host
// paths only (no named volumes), so a volume is refused with what to give instead.
import { isAbsolute, resolve } from 'node:path';
import type { MountSpec } from '../runtime/types.js';
import type { Fail } from './run-flags.js';
import { parseBytes } from './units.js';

const BIND_OPTIONS = new Set(['nosuid', 'suid', 'nodev', 'dev', 'noexec', 'exec', 'private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave', 'bind', 'rbind']);
const PROPAGATIONS = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];
// consistency: a macOS-only hint that docker ignores on Linux, accepted and ignored the same way.
const BIND_KEYS = ['type', 'source', 'target', 'readonly', 'bind-propagation', 'bind-recursive', 'consistency'];
const TMPFS_KEYS = ['type', 'target', 'readonly', 'tmpfs-size', 'tmpfs-mode', 'consistency'];

/** -v SRC:DST[:OPTIONS] */
export function volumeFlag(v: string, cwd: string, fail: Fail): MountSpec {
  const parts = v.split(':');
  if (parts.length < 2 || parts.length > 3) throw fail('--volume', `"${v}" is not SRC:DST[:OPTIONS]`);
  const [src, target, opts = ''] = parts as [string, string, string?];
  if (!src.startsWith('/') && !src.startsWith('.')) throw fail('--volume', `"${src}": berth has no named volumes; give a host path (absolute, or starting with ./)`);
  if (!isAbsolute(target)) throw fail('--volume', `"${target}": the container path must be absolute`);
  const mount: MountSpec = { type: 'bind', source: resolve(cwd, src), target };
  const options: string[] = [];
  for (const o of opts.split(',').filter(Boolean)) {
    if (o === 'ro') mount.readOnly = true;
    else if (o === 'rw') mount.readOnly = false;
    else if (BIND_OPTIONS.has(o)) options.push(o);
    else throw fail('--volume', `unknown option "${o}" in "${v}"; use ro, rw, nosuid, nodev, noexec or a propagation mode`);
  }
  if (options.length) mount.options = options;
  return mount;
}

/** --tmpfs DST[:OPTIONS] */
export function tmpfsFlag(t: string, fail: Fail): MountSpec {
  const colon = t.indexOf(':');
  const target = colon < 0 ? t : t.slice(0, colon);
  if (!isAbsolute(target)) throw fail('--tmpfs', `"${target}": the container path must be absolute`);
  const options = colon < 0 ? [] : t.slice(colon + 1).split(',').filter(Boolean);
  return options.length ? { type: 'tmpfs', target, options } : { type: 'tmpfs', target };
}

/**
 * --mount type=bind|tmpfs,source=…,target=…[,readonly][,bind-propagation=…][,bind-recursive=enabled|disabled]
 * [,tmpfs-size=…][,tmpfs-mode=…]: docker's comma-separated KEY=VALUE list (a field may be quoted
 * to hold a comma), with its aliases (src, dst/destination, ro).
 */
export function mountFlag(m: string, cwd: string, fail: Fail): MountSpec {
  const bad = (msg: string) => fail('--mount', `${msg} in "${m}"`);
  const fields = new Map<string, string | undefined>();
  for (const field of csvFields(m, bad)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    fields.set(ALIASES[key] ?? key, eq < 0 ? undefined : field.slice(eq + 1));
  }
  const value = (key: string) => {
    const v = fields.get(key);
    if (v === undefined || v === '') throw bad(`${key} needs a value (${key}=…)`);
    return v;
  };
  const type = fields.has('type') ? value('type') : 'volume';
  if (type === 'volume') throw bad('berth has no named volumes: give type=bind with a host path as source, or type=tmpfs');
  if (type !== 'bind' && type !== 'tmpfs') throw bad(`type "${type}" is not supported (bind or tmpfs)`);
  if (!fields.has('target')) throw bad('target is required (target=/path/in/container)');
  const target = value('target');
  if (!isAbsolute(target)) throw bad(`"${target}": the container path must be absolute`);
  const mount: MountSpec = { type, target };
  const options: string[] = [];
  const oneOf = (key: string, allowed: readonly string[]) => {
    const v = value(key);
    if (!allowed.includes(v)) throw bad(`${key} must be one of ${allowed.join(', ')}, not "${v}"`);
    return v;
  };
  const known = type === 'bind' ? BIND_KEYS : TMPFS_KEYS;
  for (const [key, v] of fields) {
    if (!known.includes(key)) throw bad(`unexpected key "${key}" for type=${type} (${known.join(', ')})`);
    if (key === 'readonly') mount.readOnly = readonlyValue(v, bad);
    else if (key === 'source') mount.source = resolve(cwd, value(key));
    else if (key === 'bind-propagation') options.push(oneOf(key, PROPAGATIONS));
    else if (key === 'bind-recursive') options.push(oneOf(key, ['enabled', 'disabled']) === 'enabled' ? 'rbind' : 'bind');
    else if (key === 'tmpfs-size') options.push(`size=${parseBytes(value(key), '--mount tmpfs-size', 'berth run')}`);
    else if (key === 'tmpfs-mode') options.push(`mode=${octalMode(value(key), bad)}`);
  }
  if (type === 'bind' && mount.source === undefined) throw bad('source is required for type=bind (source=/host/path)');
  if (options.length) mount.options = options;
  return mount;
}

const ALIASES: Record<string, string> = { src: 'source', dst: 'target', destination: 'target', ro: 'readonly' };

function octalMode(v: string, bad: (msg: string) => Error): string {
  if (!/^[0-7]{3,4}$/.test(v)) throw bad(`tmpfs-mode must be an octal mode like 1777, not "${v}"`);
  return v;
}

function readonlyValue(v: string | undefined, bad: (msg: string) => Error): boolean {
  if (v === undefined || v === '1' || v.toLowerCase() === 'true') return true;
  if (v === '0' || v.toLowerCase() === 'false') return false;
  throw bad(`readonly takes true or false, not "${v}"`);
}

/** encoding/csv's one record: commas separate fields, a field in double quotes may hold commas and "" for a quote. */
function csvFields(text: string, bad: (msg: string) => Error): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw bad('an unterminated quote');
        if (text[i] === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
        if (text[i] === '"') { i++; break; }
        field += text[i++];
      }
      if (i < text.length && text[i] !== ',') throw bad('text after a closing quote');
    } else {
      const end = text.indexOf(',', i);
      field = text.slice(i, end < 0 ? text.length : end);
      i = end < 0 ? text.length : end;
    }
    if (field !== '') fields.push(field);
    i++;
  }
  return fields;
}
