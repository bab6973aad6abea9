// Boots Debian's kernel under qemu (software emulation: this VM has no KVM) on a pure cgroup v2
// hierarchy (cgroup_no_v1=all) and runs test files of the project inside it: the host's root
// filesystem is the guest's, read-only over 9p, with the project and a writable output directory
// as two more shares (guest/init.sh, guest/boot.sh); agents and CLI calls there run berth's sources
// bundled (bundle.ts). The guest writes the test runner's TAP output and exit status to the output
// share and powers off.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleBerth } from './bundle.js';
import { buildInitramfs } from './initramfs.js';
import { ensureKernel } from './kernel.js';

export const QEMU = '/usr/bin/qemu-system-x86_64';

export interface VmRun {
  /** The test runner's exit status; undefined when the guest never got that far. */
  status?: number;
  /** The test runner's TAP output (or boot.sh's reason for stopping early). */
  output: string;
  /** The serial console: the kernel's and init.sh's messages. */
  console: string;
}

export async function runTestsInVm(projectDir: string, testFiles: string[], { timeoutMs }: { timeoutMs: number }): Promise<VmRun> {
  const removeBundle = bundleBerth(projectDir);
  const dir = mkdtempSync(join(tmpdir(), 'berth-vm-'));
  try {
    const kernel = ensureKernel();
    const initramfs = buildInitramfs(dir, kernel);
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'tests'), testFiles.join('\n') + '\n');
    const share = (tag: string, path: string, ro: boolean) =>
      ['-virtfs', `local,path=${path},mount_tag=${tag},security_model=passthrough,multidevs=remap${ro ? ',readonly=on' : ''}`];
    const serial = await boot([
      '-machine', 'q35', '-accel', 'tcg,thread=multi', '-smp', '2', '-m', '2048',
      '-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-nic', 'none', '-no-reboot',
      '-kernel', kernel.vmlinuz, '-initrd', initramfs,
      '-append', 'console=ttyS0 quiet panic=-1 cgroup_no_v1=all',
      ...share('host', '/', true), ...share('project', projectDir, true), ...share('out', out, false),
    ], timeoutMs);
    const read = (name: string) => (existsSync(join(out, name)) ? readFileSync(join(out, name), 'utf8') : '');
    const status = read('status').trim();
    return { status: status === '' ? undefined : Number(status), output: read('output'), console: serial };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    removeBundle();
  }
}

/** Runs qemu until the guest powers off; the console text. A guest past its deadline is killed. */
function boot(args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const qemu = spawn(QEMU, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let serial = '';
    qemu.stdout!.on('data', (d) => { serial += d; });
    qemu.stderr!.on('data', (d) => { serial += d; });
    const timer = setTimeout(() => {
      qemu.kill('SIGKILL');
      serial += `\n[berth test: the VM was still running after ${timeoutMs} ms and was killed]\n`;
    }, timeoutMs);
    qemu.once('error', (err) => { clearTimeout(timer); reject(err); });
    qemu.once('close', () => { clearTimeout(timer); resolve(serial); });
  });
}
