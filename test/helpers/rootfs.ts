// A minimal root filesystem for real containers: Debian's busybox-static plus its applet links.
// Built once per test process into a temporary directory and removed when the process exits.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BUSYBOX = '/bin/busybox';
let cached: string | undefined;

export function busyboxAvailable(): boolean { return existsSync(BUSYBOX); }

/** Returns the path of a busybox rootfs (bin/, etc/passwd, tmp/, …). */
export function busyboxRootfs(): string {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'berth-rootfs-'));
  const root = join(dir, 'rootfs');
  for (const d of ['bin', 'sbin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root', 'home', 'var', 'run', 'usr/bin']) {
    mkdirSync(join(root, d), { recursive: true });
  }
  copyFileSync(BUSYBOX, join(root, 'bin/busybox'));
  execFileSync('chmod', ['755', join(root, 'bin/busybox')]);
  const applets = execFileSync(BUSYBOX, ['--list']).toString().split('\n').filter(Boolean);
  for (const applet of applets) {
    if (applet === 'busybox') continue;
    try { symlinkSync('busybox', join(root, 'bin', applet)); } catch { /* applet listed twice */ }
  }
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\nuser:x:1000:1000:user:/home/user:/bin/sh\n');
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\nuser:x:1000:\n');
  execFileSync('chmod', ['1777', join(root, 'tmp')]);
  cached = root;
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return root;
}
