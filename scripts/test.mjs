#!/usr/bin/env node
// `npm test`: installs the Debian packages the tests need (as root, through apt), builds, then
// runs every test file with node's test runner. `npm test -- test/unit` runs a subset.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Debian package → a file that shows it is installed.
const needed = {
  'busybox-static': '/bin/busybox',
  runc: '/usr/sbin/runc',
  prometheus: '/usr/bin/prometheus',
  chromium: '/usr/bin/chromium',
  iproute2: '/usr/sbin/ip',
  'qemu-system-x86': '/usr/bin/qemu-system-x86_64', // the pure cgroup v2 VM (test/vm/)
};

function ensurePackages() {
  const missing = Object.entries(needed).filter(([, file]) => !exists(file)).map(([pkg]) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    console.error(`berth test: missing Debian packages ${missing.join(', ')}; run as root or install them.`);
    process.exit(1);
  }
  console.log(`berth test: installing ${missing.join(', ')} through apt`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0) { console.error(`berth test: apt-get ${args.join(' ')} failed`); process.exit(1); }
  }
  // Debian starts the prometheus service on install; the tests run their own server on loopback.
  spawnSync('sh', ['-c', 'systemctl stop prometheus prometheus-node-exporter 2>/dev/null; pkill -x prometheus; pkill -f prometheus-node-exporter; true']);
}

function exists(p) { try { statSync(p); return true; } catch { return false; } }

function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

ensurePackages();
const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['test/unit', 'test/integration', 'test/e2e'];
const files = roots.flatMap((r) => {
  const p = join(root, r);
  return statSync(p).isDirectory() ? testFiles(p) : [p];
}).map((f) => relative(root, f));

// Files run one at a time: integration tests share the two cores and real kernel resources.
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files],
  { stdio: 'inherit', cwd: root, env: { ...process.env, BERTH_TEST: '1' } });
process.exit(r.status ?? 1);
