// Validation of user mounts: bind (host path → container path) and tmpfs.
import { statSync } from 'node:fs';
import { isErrno } from '../errors.js';
import { isFlagWord, isPropagationWord } from './mount-options.js';
import type { MountSpec } from './types.js';
import { absolutePath, array, boolean, invalid, join, nonEmptyString, noUnknownKeys, object, optional, shown, stringArray } from './spec-check.js';

const KNOWN = ['type', 'source', 'target', 'readOnly', 'options'];
/** tmpfs(5) data options berth passes through, with the shape of their values. */
const TMPFS_DATA: Record<string, RegExp> = {
  size: /^\d+[kmg%]?$/i, nr_blocks: /^\d+[kmg%]?$/i, nr_inodes: /^\d+[kmg%]?$/i,
  mode: /^[0-7]{3,4}$/, uid: /^\d+$/, gid: /^\d+$/,
};

export function validateMounts(value: unknown, field: string): MountSpec[] {
  const mounts = array(value, field).map((item, i) => validateMount(item, join(field, i)));
  const seen = new Map<string, number>();
  mounts.forEach((m, i) => {
    const target = m.target.replace(/\/+$/, '');
    const earlier = seen.get(target);
    if (earlier !== undefined) throw invalid(join(join(field, i), 'target'), `${m.target} is already mounted by ${field}[${earlier}]`);
    seen.set(target, i);
  });
  return mounts;
}

function validateMount(value: unknown, field: string): MountSpec {
  const obj = object(value, field);
  noUnknownKeys(obj, KNOWN, field);
  const type = obj.type;
  if (type !== 'bind' && type !== 'tmpfs') throw invalid(join(field, 'type'), `must be "bind" or "tmpfs", got ${shown(type)}`);
  const target = absolutePath(obj.target, join(field, 'target'));
  if (target.replace(/\/+$/, '') === '') throw invalid(join(field, 'target'), 'must not be "/" (the root filesystem)');
  const readOnly = optional(obj, 'readOnly', field, boolean);
  const options = optional(obj, 'options', field, stringArray) ?? [];
  const source = type === 'bind' ? bindSource(obj.source, join(field, 'source')) : undefined;
  if (type === 'tmpfs' && obj.source !== undefined) throw invalid(join(field, 'source'), 'a tmpfs mount has no source');
  options.forEach((opt, i) => checkOption(type, opt, join(join(field, 'options'), i)));
  return { type, ...(source !== undefined ? { source } : {}), target, ...(readOnly !== undefined ? { readOnly } : {}), ...(options.length ? { options } : {}) };
}

function bindSource(value: unknown, field: string): string {
  if (value === undefined) throw invalid(field, 'is required for a bind mount');
  const source = absolutePath(value, field);
  try {
    statSync(source);
  } catch (err) {
    if (isErrno(err, 'ENOENT', 'ENOTDIR')) throw invalid(field, `${source} does not exist on the host`);
    throw invalid(field, `stat ${source}: ${(err as Error).message}`);
  }
  return source;
}

function checkOption(type: 'bind' | 'tmpfs', option: string, field: string): void {
  nonEmptyString(option, field);
  if (type === 'bind') {
    if (isFlagWord(option) || isPropagationWord(option)) return;
    throw invalid(field, `unknown bind mount option ${shown(option)} (use ro, nosuid, nodev, noexec, bind, rbind, rprivate, …)`);
  }
  if (option === 'bind' || option === 'rbind') throw invalid(field, `${option} is not an option of a tmpfs mount`);
  if (isFlagWord(option)) return;
  const [key, val] = option.split('=', 2) as [string, string | undefined];
  const shape = TMPFS_DATA[key];
  if (!shape) throw invalid(field, `unknown tmpfs option ${shown(option)} (known: ${Object.keys(TMPFS_DATA).join(', ')} and mount flags)`);
  if (val === undefined || !shape.test(val)) throw invalid(field, `bad value in tmpfs option ${shown(option)}`);
}
