// "user[:group]" → uid, gid, supplementary gids and home, looked up in the container's own
// /etc/passwd and /etc/group with runc's rules (moby/sys/user GetExecUser): a numeric id need
// not exist; a name must; supplementary groups come from /etc/group only when no group is given.
import { BerthError } from '../errors.js';
import type { ResolvedSpec } from './types.js';
import { readRootfsFile, RootfsPathError } from './rootfs-path.js';

export interface PasswdEntry { name: string; uid: number; gid: number; home: string }
export interface GroupEntry { name: string; gid: number; members: string[] }
export interface LookedUpUser { uid: number; gid: number; additionalGids: number[]; name: string; home: string }

const NUMERIC = /^\d+$/;

/** The ResolvedSpec form of a looked-up user (its home only matters for HOME). */
/** The resolved spec's user: the looked-up groups plus --group-add's. */
export function specUser(user: LookedUpUser, groupAdd: readonly number[] = []): ResolvedSpec['user'] {
  return { uid: user.uid, gid: user.gid, additionalGids: [...new Set([...user.additionalGids, ...groupAdd])], name: user.name };
}

export function parsePasswd(text: string): PasswdEntry[] {
  return lines(text).flatMap((fields) => {
    const [name, , uid, gid, , home] = fields;
    if (fields.length < 4 || !name || !NUMERIC.test(uid ?? '') || !NUMERIC.test(gid ?? '')) return [];
    return [{ name, uid: Number(uid), gid: Number(gid), home: home || '/' }];
  });
}

export function parseGroup(text: string): GroupEntry[] {
  return lines(text).flatMap((fields) => {
    const [name, , gid, members] = fields;
    if (fields.length < 3 || !name || !NUMERIC.test(gid ?? '')) return [];
    return [{ name, gid: Number(gid), members: (members ?? '').split(',').map((m) => m.trim()).filter(Boolean) }];
  });
}

function lines(text: string): string[][] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(':'));
}

/** Resolves `spec` ("name", "uid", "name:group", "uid:gid", …) in the rootfs; errors name `field`. */
export function lookupUser(rootfs: string, spec: string, field = 'user'): LookedUpUser {
  const [userPart, groupPart] = spec.split(':', 2) as [string, string | undefined];
  const passwd = readDatabase(rootfs, '/etc/passwd', field);
  const entry = passwd === undefined ? undefined : parsePasswd(passwd).find((p) => (NUMERIC.test(userPart) ? p.uid === Number(userPart) : p.name === userPart));
  if (!entry && !NUMERIC.test(userPart)) {
    const where = passwd === undefined ? 'the rootfs has no /etc/passwd' : 'no such user in /etc/passwd';
    throw new BerthError('INVALID_SPEC', `${field}: unable to find user ${JSON.stringify(userPart)}: ${where} (rootfs ${rootfs})`, { field });
  }
  const user: LookedUpUser = entry
    ? { uid: entry.uid, gid: entry.gid, additionalGids: [], name: entry.name, home: entry.home }
    : { uid: Number(userPart), gid: 0, additionalGids: [], name: '', home: '/' };
  if (groupPart === undefined && !entry) return user;
  const groupText = readDatabase(rootfs, '/etc/group', field);
  const groups = groupText === undefined ? [] : parseGroup(groupText);
  if (groupPart !== undefined) {
    user.gid = groupId(groups, groupPart, groupText !== undefined, rootfs, field);
  } else {
    user.additionalGids = [...new Set(groups.filter((g) => g.members.includes(user.name)).map((g) => g.gid))];
  }
  return user;
}

/** docker's --group-add: names looked up in the rootfs' /etc/group, gids taken as they are. */
export function lookupGroups(rootfs: string, names: readonly string[], field = 'groupAdd'): number[] {
  if (names.length === 0) return [];
  const groupText = readDatabase(rootfs, '/etc/group', field);
  const groups = groupText === undefined ? [] : parseGroup(groupText);
  return [...new Set(names.map((name, i) => groupId(groups, name, groupText !== undefined, rootfs, `${field}[${i}]`)))];
}

function groupId(groups: GroupEntry[], part: string, haveFile: boolean, rootfs: string, field: string): number {
  const found = groups.find((g) => (NUMERIC.test(part) ? g.gid === Number(part) : g.name === part));
  if (found) return found.gid;
  if (NUMERIC.test(part)) return Number(part);
  const where = haveFile ? 'no such group in /etc/group' : 'the rootfs has no /etc/group';
  throw new BerthError('INVALID_SPEC', `${field}: unable to find group ${JSON.stringify(part)}: ${where} (rootfs ${rootfs})`, { field });
}

/** The file's text, or undefined when the image has none; a file that escapes the rootfs is an error. */
export function readDatabase(rootfs: string, path: string, field: string): string | undefined {
  try {
    return readRootfsFile(rootfs, path);
  } catch (err) {
    if (err instanceof RootfsPathError) {
      throw new BerthError('INVALID_SPEC', `${field}: reading ${path} of rootfs ${rootfs}: ${err.message}`, { field, path }, { cause: err });
    }
    throw err;
  }
}

/** The home directory of a numeric uid (for HOME, as runc sets it); "/" when unknown. */
export function homeOf(rootfs: string, uid: number, field = 'user'): string {
  const passwd = readDatabase(rootfs, '/etc/passwd', field);
  return (passwd === undefined ? undefined : parsePasswd(passwd).find((p) => p.uid === uid)?.home) ?? '/';
}
