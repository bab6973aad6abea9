// A CLI command loads only what it needs: the daemon's parts (fastify, the CEL engine, the runtime,
// the sampler) and ws took it from ~0.2 s to ~0.6 s to start, for every `berth ps` or `exec`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../helpers/agent.js';

function modulesLoaded(args: string[]): string[] {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', join(ROOT, 'test/helpers/trace-imports.mjs'), join(ROOT, 'agent/main.ts'), ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: { ...process.env, BERTH_HOST: '/nonexistent/berth.sock' }, encoding: 'utf8' });
  return String(r.output[3]).split('\n').filter(Boolean);
}

// The sampler's pure traffic helper (stats shows what the dashboard shows) is the one part allowed.
const HEAVY = [/\/agent\/daemon\.ts$/, /\/agent\/policy\//, /\/agent\/sampler\/(?!traffic\.ts$)/, /\/agent\/runtime\/runtime\.ts$/,
  /\/node_modules\/fastify\//, /\/node_modules\/ws\//, /\/node_modules\/@marcbachmann\/cel-js\//];

test('a CLI command does not load the daemon, the policy engine or ws', () => {
  const loaded = modulesLoaded(['ps']);
  assert.ok(loaded.some((u) => u.endsWith('/agent/cli/ps.ts')), `the trace saw the CLI: ${loaded.length} modules`);
  for (const heavy of HEAVY) assert.deepEqual(loaded.filter((u) => heavy.test(u)), [], `${heavy} loaded for \`berth ps\``);
});

test('the commands that need them load them: policy check the engine, the agent its daemon', () => {
  assert.ok(modulesLoaded(['policy', 'check', join(ROOT, 'rules/baseline.yaml')]).some((u) => /\/agent\/policy\//.test(u)));
  assert.ok(modulesLoaded(['agent', '--help']).some((u) => u.endsWith('/agent/daemon.ts')));
});
