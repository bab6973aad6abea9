// The test VM's initramfs: Debian's static busybox, the kernel's virtio and 9p modules, and
// guest/init.sh as /init, packed by busybox's cpio (newc) and gzip.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { VmKernel } from './kernel.js';

const BUSYBOX = '/bin/busybox';
const APPLETS = ['sh', 'mount', 'umount', 'mkdir', 'cat', 'echo', 'insmod', 'switch_root', 'poweroff'];

/** Builds `<dir>/initramfs.gz` (from a tree in `<dir>/initramfs`) and returns its path. */
export function buildInitramfs(dir: string, kernel: VmKernel): string {
  const tree = join(dir, 'initramfs');
  for (const d of ['bin', 'dev', 'proc', 'sys', 'newroot', 'modules']) mkdirSync(join(tree, d), { recursive: true });
  copyFileSync(BUSYBOX, join(tree, 'bin/busybox'));
  for (const applet of APPLETS) symlinkSync('busybox', join(tree, 'bin', applet));
  for (const module of kernel.modules) copyFileSync(module, join(tree, 'modules', basename(module)));
  writeFileSync(join(tree, 'modules/order'), kernel.modules.map((m) => basename(m, '.ko')).join('\n') + '\n');
  copyFileSync(join(import.meta.dirname, 'guest/init.sh'), join(tree, 'init'));
  const out = join(dir, 'initramfs.gz');
  execFileSync('sh', ['-c', 'cd "$1" && find . | "$2" cpio -o -H newc | gzip -1 > "$3"', 'sh', tree, BUSYBOX, out]);
  return out;
}
