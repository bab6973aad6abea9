// berth's sources bundled for the VM: under emulated CPUs, node loading ~150 modules through tsx's
// loader hooks took tens of seconds per agent start and seconds per CLI call. esbuild makes one
// module per entry point and dynamic import (as fast to load as dist/) from the sources as they are
// now, so the guest never runs a stale build. It lands in the project's dist/ (ignored by git) so
// that the bundle finds node_modules and berth's package.json above it, as the sources do.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

/** guest/boot.sh runs `main.mjs` in it as BERTH_TEST_MAIN. */
const BUNDLE_DIR = 'dist/test-vm';

/** Bundles into the project's BUNDLE_DIR; the returned function removes the bundle. */
export function bundleBerth(projectDir: string): () => void {
  const out = join(projectDir, BUNDLE_DIR);
  const remove = () => rmSync(out, { recursive: true, force: true });
  remove();
  execFileSync(join(projectDir, 'node_modules/esbuild/bin/esbuild'), [
    'agent/main.ts', '--bundle', '--splitting', '--platform=node', '--format=esm', '--packages=external', '--target=node20',
    `--outdir=${out}`, '--out-extension:.js=.mjs', '--log-level=warning',
  ], { cwd: projectDir, stdio: ['ignore', 'ignore', 'pipe'] });
  return remove;
}
