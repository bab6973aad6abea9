import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, defaultConfig, agentHelp } from '../../agent/config.js';

const ctx = { cwd: '/home/u', packageRoot: '/opt/berth', exists: () => false };

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('defaults', () => {
  assert.deepEqual(loadConfig([], {}, ctx), {
    stateDir: '/var/lib/berth', socket: '/run/berth/berth.sock', listen: { host: '127.0.0.1', port: 9465 }, rulesDir: '',
    cgroupParent: 'berth', logLevel: 'info', sampleIntervalMs: 1000, sampleFullEvery: 10, sampleBudget: 0.03, metricsLabels: 'all', token: '', shimPath: '/opt/berth/dist/bin/berth-shim', configFile: '',
  });
  assert.equal(defaultConfig({ ...ctx, exists: (p) => p === '/etc/berth/rules' }).rulesDir, '/etc/berth/rules');
});

test('precedence: file < env < flags, and relative paths resolve against their source', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'berth.yaml');
  writeFileSync(file, 'stateDir: state\nlog-level: debug\nsampleIntervalMs: 2s\nlisten: "[::1]:9000"\ncgroupParent: from-file\nsample-full-every: 5\n');
  const c = loadConfig(['--config', file, '--cgroup-parent', 'from-flag', '--sample-interval=250ms'],
    { BERTH_CGROUP_PARENT: 'from-env', BERTH_LOG_LEVEL: 'warn', BERTH_SOCKET: 'rel.sock' }, ctx);
  assert.equal(c.configFile, file);
  assert.equal(c.stateDir, join(dir, 'state'), 'file paths are relative to the file');
  assert.equal(c.socket, '/home/u/rel.sock', 'env paths are relative to the cwd');
  assert.equal(c.logLevel, 'warn', 'env beats file');
  assert.equal(c.cgroupParent, 'from-flag', 'flag beats env and file');
  assert.equal(c.sampleIntervalMs, 250);
  assert.equal(c.sampleFullEvery, 5, 'a YAML number');
  assert.deepEqual(c.listen, { host: '::1', port: 9000 });
});

test('metrics labels: all, none, or keys from a flag, the environment or a YAML list', (t) => {
  assert.deepEqual(loadConfig(['--metrics-labels', 'none'], {}, ctx).metricsLabels, []);
  assert.deepEqual(loadConfig(['--metrics-labels', ''], {}, ctx).metricsLabels, []);
  assert.equal(loadConfig([], { BERTH_METRICS_LABELS: 'all' }, ctx).metricsLabels, 'all');
  assert.deepEqual(loadConfig(['--metrics-labels', ' tier, com.docker.compose.service,tier'], {}, ctx).metricsLabels, ['tier', 'com.docker.compose.service']);
  const file = join(tempDir(t), 'berth.yaml');
  writeFileSync(file, 'metricsLabels:\n  - tier\n  - app.kubernetes.io/name\n');
  assert.deepEqual(loadConfig(['--config', file], {}, ctx).metricsLabels, ['tier', 'app.kubernetes.io/name']);
});

test('the sampler budget: a percentage of one core (the % optional) or none', (t) => {
  assert.equal(loadConfig(['--sample-budget', '5%'], {}, ctx).sampleBudget, 0.05);
  assert.equal(loadConfig([], { BERTH_SAMPLE_BUDGET: '0.5' }, ctx).sampleBudget, 0.005);
  assert.equal(loadConfig(['--sample-budget', 'none'], {}, ctx).sampleBudget, null);
  const file = join(tempDir(t), 'berth.yaml');
  writeFileSync(file, 'sampleBudget: 2\n');
  assert.equal(loadConfig(['--config', file], {}, ctx).sampleBudget, 0.02, 'a YAML number');
});

test('JSON config files and BERTH_CONFIG', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'berth.json');
  writeFileSync(file, JSON.stringify({ token: 'x'.repeat(20), listen: 'none', rules: 'none' }));
  const c = loadConfig([], { BERTH_CONFIG: file }, ctx);
  assert.equal(c.token, 'x'.repeat(20));
  assert.equal(c.listen, null);
  assert.equal(c.rulesDir, '');
});

test('bad values name where they came from', (t) => {
  const dir = tempDir(t);
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, 'stateDir: /s\n\nsampleRate: 5\n');
  assert.throws(() => loadConfig(['--config', file], {}, ctx), (e: any) => e.code === 'INVALID_CONFIG' && e.message === `${file}:3: sampleRate: unknown setting; known: stateDir, socket, listen, rules, cgroupParent, logLevel, sampleInterval, sampleFullEvery, sampleBudget, metricsLabels, token, shimPath`);
  writeFileSync(file, 'stateDir: /s\nsample-interval: 5\n');
  assert.throws(() => loadConfig(['--config', file], {}, ctx), new RegExp(`^BerthError: ${file}:2: sample-interval: "5" is not a duration`.replace(/\//g, '\\/')));
  writeFileSync(file, 'stateDir: [1, 2\n');
  assert.throws(() => loadConfig(['--config', file], {}, ctx), new RegExp(`${file}:\\d+: `));
  writeFileSync(file, '- a\n- b\n');
  assert.throws(() => loadConfig(['--config', file], {}, ctx), /expected a mapping of settings/);
  assert.throws(() => loadConfig(['--config', join(dir, 'missing.yaml')], {}, ctx), /read config file .*missing.yaml: no such file/);
  const cases: [string[], NodeJS.ProcessEnv, RegExp][] = [
    [['--log-level', 'loud'], {}, /^--log-level: "loud" is not a log level/],
    [[], { BERTH_LOG_LEVEL: 'loud' }, /^BERTH_LOG_LEVEL: "loud"/],
    [['--listen', 'localhost'], {}, /^--listen: "localhost" is not an address/],
    [['--listen', '1.2.3.4:70000'], {}, /^--listen: port 70000 is out of range/],
    [['--sample-interval', '1'], {}, /^--sample-interval: "1" is not a duration; use a number with a unit/],
    [['--sample-interval', '1ms'], {}, /^--sample-interval: "1ms" is too short/],
    [['--sample-full-every', '0'], {}, /^--sample-full-every: "0" is not a whole number ≥ 1/],
    [[], { BERTH_SAMPLE_FULL_EVERY: '2.5' }, /^BERTH_SAMPLE_FULL_EVERY: "2.5" is not a whole number ≥ 1/],
    [['--sample-budget', '0%'], {}, /^--sample-budget: "0%" is not a share of one core; use a percentage in \(0, 100\] such as 3% or 0.5%, or none/],
    [['--sample-budget', '150'], {}, /^--sample-budget: "150" is not a share of one core/],
    [[], { BERTH_SAMPLE_BUDGET: 'lots' }, /^BERTH_SAMPLE_BUDGET: "lots" is not a share of one core/],
    [['--cgroup-parent', '../escape'], {}, /^--cgroup-parent: "..\/escape" is not a cgroup parent/],
    [['--metrics-labels', 'tier,,app'], {}, /^--metrics-labels: label key 2 of 3 is empty; use all, none or keys separated by commas/],
    [['--token', 'short'], {}, /^--token: a bearer token must be at least 16 characters/],
    [['--state-dir', ''], {}, /^--state-dir: must not be empty/],
    [['--state-dir'], {}, /^--state-dir: needs a value/],
    [['--bogus', 'x'], {}, /unknown flag --bogus/],
    [['stray'], {}, /unexpected argument "stray"/],
  ];
  for (const [argv, env, re] of cases) {
    assert.throws(() => loadConfig(argv, env, ctx), (e: any) => e.code === 'INVALID_CONFIG' && re.test(e.message), `${argv.join(' ')} ${JSON.stringify(env)}`);
  }
});

test('the example config in deploy/ loads', () => {
  const c = loadConfig(['--config', join(import.meta.dirname, '../../deploy/berth.yaml')], {}, ctx);
  assert.equal(c.sampleIntervalMs, 1000);
  assert.equal(c.rulesDir, '/etc/berth/rules');
  assert.deepEqual(c.listen, { host: '127.0.0.1', port: 9465 });
});

test('agent help lists every flag with its env variable', () => {
  const help = agentHelp(ctx);
  for (const flag of ['--state-dir', '--socket', '--listen', '--rules', '--cgroup-parent', '--log-level', '--sample-interval', '--metrics-labels', '--token', '--shim-path', '--config']) {
    assert.ok(help.includes(flag), flag);
  }
  assert.ok(help.includes('BERTH_SAMPLE_INTERVAL'));
});
