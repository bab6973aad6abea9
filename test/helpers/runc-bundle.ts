// An OCI bundle of the busybox rootfs made by `runc spec`, for benchmarks that measure runc
// next to berth on the same command.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxRootfs } from './rootfs.js';

export const RUNC = '/usr/sbin/runc';

/** `dir`/bundle running `args` in cgroup `cgroupsPath`, without a terminal; a writable rootfs unless asked. */
export function runcBundle(dir: string, cgroupsPath: string, args: string[], { readonlyRootfs = true } = {}): string {
  const b = join(dir, 'bundle');
  mkdirSync(b);
  const r = spawnSync(RUNC, ['spec'], { cwd: b, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`runc spec: ${r.stderr}`);
  cpSync(busyboxRootfs(), join(b, 'rootfs'), { recursive: true, verbatimSymlinks: true });
  chmodSync(join(b, 'rootfs'), 0o755);
  const config = JSON.parse(readFileSync(join(b, 'config.json'), 'utf8'));
  config.process.terminal = false;
  config.process.args = args;
  config.root.readonly = readonlyRootfs;
  config.linux.cgroupsPath = cgroupsPath;
  writeFileSync(join(b, 'config.json'), JSON.stringify(config));
  return b;
}
