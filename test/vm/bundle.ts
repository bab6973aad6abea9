// berth's sources bundled for the VM: under emulated CPUs, node loading ~150 modules through tsx's
// loader hooks took tens of seconds per agent start and seconds per CLI call. esbuild makes one
// module per entry point and dynamic import (as fast to load as dist/) from the sources as they are
// now, so the guest never runs a stale build. It lands in the project's dist/ (ignored by git) so
// that the bundle finds node_modules and berth's package.json above it, as the sources do.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

/** The bundle's directory under the project; guest/boot.sh runs `main.mjs` in it as BERTH_TEST_MAIN. */
export const BUNDLE_DIR = 'dist/test-vm';

export function bundleBerth(projectDir: string): void {
  const out = join(projectDir, BUNDLE_DIR);
  rmSync(out, { recursive: true, force: true });
  execFileSync(join(projectDir, 'node_modules/esbuild/bin/esbuild'), [
    'agent/main.ts', '--bundle', '--splitting', '--platform=node', '--format=esm', '--packages=external', '--target=node20',
    `--outdir=${out}`, '--out-extension:.js=.mjs', '--log-level=warning',
  ], { cwd: projectDir, stdio: ['ignore', 'ignore', 'pipe'] });
}
