// mount(8)-style option words → MS_* flags + fs data, the way runc reads OCI mount options
// (libcontainer/specconv parseMountOptions): known words set or clear flags, propagation words
// are kept apart (the kernel applies propagation in a separate mount(2) call), the rest is data.

export const MS = {
  RDONLY: 0x1, NOSUID: 0x2, NODEV: 0x4, NOEXEC: 0x8, SYNCHRONOUS: 0x10, REMOUNT: 0x20, MANDLOCK: 0x40,
  DIRSYNC: 0x80, NOSYMFOLLOW: 0x100, NOATIME: 0x400, NODIRATIME: 0x800, BIND: 0x1000, MOVE: 0x2000,
  REC: 0x4000, SILENT: 0x8000, UNBINDABLE: 0x20000, PRIVATE: 0x40000, SLAVE: 0x80000, SHARED: 0x100000,
  RELATIME: 0x200000, STRICTATIME: 0x1000000, LAZYTIME: 0x2000000,
} as const;

/** word → [flag, clears] */
const FLAG_WORDS: Record<string, [number, boolean]> = {
  ro: [MS.RDONLY, false], rw: [MS.RDONLY, true],
  nosuid: [MS.NOSUID, false], suid: [MS.NOSUID, true],
  nodev: [MS.NODEV, false], dev: [MS.NODEV, true],
  noexec: [MS.NOEXEC, false], exec: [MS.NOEXEC, true],
  sync: [MS.SYNCHRONOUS, false], async: [MS.SYNCHRONOUS, true],
  dirsync: [MS.DIRSYNC, false], remount: [MS.REMOUNT, false],
  mand: [MS.MANDLOCK, false], nomand: [MS.MANDLOCK, true],
  noatime: [MS.NOATIME, false], atime: [MS.NOATIME, true],
  nodiratime: [MS.NODIRATIME, false], diratime: [MS.NODIRATIME, true],
  relatime: [MS.RELATIME, false], norelatime: [MS.RELATIME, true],
  strictatime: [MS.STRICTATIME, false], nostrictatime: [MS.STRICTATIME, true],
  lazytime: [MS.LAZYTIME, false], nolazytime: [MS.LAZYTIME, true],
  nosymfollow: [MS.NOSYMFOLLOW, false], symfollow: [MS.NOSYMFOLLOW, true],
  silent: [MS.SILENT, false], loud: [MS.SILENT, true],
  bind: [MS.BIND, false], rbind: [MS.BIND | MS.REC, false],
  defaults: [0, false],
};

const PROPAGATION_WORDS: Record<string, number> = {
  private: MS.PRIVATE, rprivate: MS.PRIVATE | MS.REC,
  shared: MS.SHARED, rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE, rslave: MS.SLAVE | MS.REC,
  unbindable: MS.UNBINDABLE, runbindable: MS.UNBINDABLE | MS.REC,
};

/** Flags a bind mount only gets through a second, MS_REMOUNT|MS_BIND call. */
export const BIND_REMOUNT_FLAGS = MS.RDONLY | MS.NOSUID | MS.NODEV | MS.NOEXEC | MS.NOATIME | MS.NODIRATIME
  | MS.RELATIME | MS.STRICTATIME | MS.NOSYMFOLLOW;

export interface ParsedMountOptions { flags: number; propagation: number[]; data: string[] }

export function isFlagWord(word: string): boolean { return word in FLAG_WORDS; }
export function isPropagationWord(word: string): boolean { return word in PROPAGATION_WORDS; }

export function parseMountOptions(options: readonly string[]): ParsedMountOptions {
  let flags = 0;
  const propagation: number[] = [];
  const data: string[] = [];
  for (const word of options) {
    const flag = FLAG_WORDS[word];
    if (flag) flags = flag[1] ? flags & ~flag[0] : flags | flag[0];
    else if (word in PROPAGATION_WORDS) propagation.push(PROPAGATION_WORDS[word]!);
    else data.push(word);
  }
  return { flags, propagation, data };
}

/** The inverse, for writing config.json: MS_* bits back to option words (bind/propagation excluded). */
export function flagsToOptions(flags: number): string[] {
  const words: string[] = [];
  for (const [word, [flag, clears]] of Object.entries(FLAG_WORDS)) {
    if (clears || flag === 0 || word === 'bind' || word === 'rbind' || word === 'remount') continue;
    if ((flags & flag) === flag) words.push(word);
  }
  if (flags & MS.BIND) words.unshift(flags & MS.REC ? 'rbind' : 'bind');
  return words;
}

export function propagationToOption(flags: number): string | undefined {
  return Object.entries(PROPAGATION_WORDS).find(([, f]) => f === flags)?.[0];
}
