#!/usr/bin/env node
// Builds everything `npm install` / `npm ci` must produce: the C helper, the TypeScript agent
// and the dashboard bundle. Each step names what failed and how to fix it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.slice(2); // e.g. `node scripts/build.mjs shim` rebuilds one part

function run(what, cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `exit code ${r.status}`;
    console.error(`berth build: ${what} failed (${cmd} ${args.join(' ')}): ${why}`);
    process.exit(1);
  }
}

function findCompiler() {
  for (const cc of [process.env.CC, 'cc', 'gcc', 'clang'].filter(Boolean)) {
    if (spawnSync(cc, ['--version'], { stdio: 'ignore' }).status === 0) return cc;
  }
  console.error('berth build: no C compiler found (tried $CC, cc, gcc, clang). Install one, e.g. `apt-get install gcc`.');
  process.exit(1);
}

function buildShim() {
  const cc = findCompiler();
  run('the C helper berth-shim', 'make', ['-s', '-C', 'agent/native', `CC=${cc}`, `OUT=${join(root, 'dist/bin')}`]);
}

function buildAgent() {
  run('the TypeScript agent', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
}

function buildDashboard() {
  const out = join(root, 'dist/dashboard');
  mkdirSync(out, { recursive: true });
  // bin/esbuild is the native binary after esbuild's install step (a node script without it): run it directly.
  run('the dashboard bundle', join(root, 'node_modules/esbuild/bin/esbuild'), [
    'dashboard/src/main.ts', '--bundle', '--minify', '--sourcemap', '--target=es2022', '--format=esm',
    `--outfile=${join(out, 'app.js')}`, '--log-level=warning']);
  for (const f of readdirSync(join(root, 'dashboard'))) {
    if (/\.(html|css|svg|ico)$/.test(f)) copyFileSync(join(root, 'dashboard', f), join(out, f));
  }
}

const steps = { shim: buildShim, agent: buildAgent, dashboard: buildDashboard };
for (const [name, step] of Object.entries(steps)) {
  if (only.length && !only.includes(name)) continue;
  if (name === 'dashboard' && !existsSync(join(root, 'dashboard/src/main.ts'))) continue;
  step();
}
