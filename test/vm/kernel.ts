// The kernel the pure cgroup v2 VM boots: Debian's own (linux-image-amd64's current package),
// fetched once with apt-get download from the Debian archive and cached under
// /var/cache/berth-test/<package>/, only its vmlinuz and the modules the VM needs extracted.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CACHE = '/var/cache/berth-test';

/**
 * virtio-pci for the devices, 9p over virtio for the shared directories, then what tests use; in
 * the order insmod needs them (each after what it depends on: Debian builds all of these as modules).
 */
export const VM_MODULES = [
  'drivers/virtio/virtio_ring', 'drivers/virtio/virtio', 'drivers/virtio/virtio_pci_legacy_dev',
  'drivers/virtio/virtio_pci_modern_dev', 'drivers/virtio/virtio_pci',
  'net/9p/9pnet', 'net/9p/9pnet_virtio', 'fs/netfs/netfs', 'fs/fscache/fscache', 'fs/9p/9p',
  'drivers/block/loop', // the block I/O tests read and write a loop device of their own
  'fs/fuse/fuse', // /dev/fuse, the node the --device tests give a container
  'drivers/net/dummy', // an interface besides lo (boot.sh): the VM has no NIC
  'net/unix/unix_diag', // ss's view of unix sockets (the spawner tests read a socket's queue)
];

export interface VmKernel { vmlinuz: string; modules: string[] }

export function ensureKernel(): VmKernel {
  try {
    return cachedOrFetched(kernelPackage());
  } catch {
    // No or stale package lists: a fresh machine has none, and the archive moves on to newer kernels.
    execFileSync('apt-get', ['update'], { stdio: 'ignore' });
    return cachedOrFetched(kernelPackage());
  }
}

function cachedOrFetched(pkg: string): VmKernel {
  const dir = join(CACHE, pkg);
  if (existsSync(dir)) {
    try {
      return kernelIn(dir);
    } catch {
      rmSync(dir, { recursive: true, force: true }); // cached before VM_MODULES grew: fetched again
    }
  }
  fetchKernel(pkg, dir);
  return kernelIn(dir);
}

function kernelIn(dir: string): VmKernel {
  const vmlinuz = readdirSync(join(dir, 'boot')).find((f) => f.startsWith('vmlinuz-'));
  const version = readdirSync(join(dir, 'lib/modules'))[0];
  const kernel = {
    vmlinuz: join(dir, 'boot', vmlinuz ?? 'vmlinuz-?'),
    modules: VM_MODULES.map((m) => join(dir, 'lib/modules', version ?? '?', 'kernel', `${m}.ko`)),
  };
  const missing = [kernel.vmlinuz, ...kernel.modules].filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`the VM kernel in ${dir} lacks ${missing.join(', ')}`);
  return kernel;
}

/** linux-image-amd64 is a metapackage: the package with the kernel is what it depends on. */
function kernelPackage(): string {
  const text = execFileSync('apt-cache', ['depends', 'linux-image-amd64'], { encoding: 'utf8' });
  const match = /Depends: (linux-image-\S+)/.exec(text);
  if (!match) throw new Error(`apt-cache depends linux-image-amd64 names no kernel package:\n${text}`);
  return match[1];
}

function fetchKernel(pkg: string, dir: string): void {
  const work = mkdtempSync(join(tmpdir(), 'berth-vm-kernel-'));
  try {
    execFileSync('apt-get', ['download', pkg], { cwd: work, stdio: 'ignore' });
    const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${pkg} left no .deb in ${work}`);
    const tree = join(work, 'tree');
    mkdirSync(tree);
    const members = ['./boot/vmlinuz-*', ...VM_MODULES.map((m) => `./lib/modules/*/kernel/${m}.ko`)];
    execFileSync('sh', ['-c', 'deb=$1 tree=$2; shift 2; dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tree" --wildcards "$@"',
      'sh', join(work, deb), tree, ...members]);
    kernelIn(tree);
    mkdirSync(CACHE, { recursive: true });
    renameSync(tree, dir); // whole or not at all: a half-extracted kernel is never cached
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
