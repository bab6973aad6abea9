import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnv, CelCompileError } from '../../../agent/policy/cel.js';
import { fakeSample, fakeStats } from '../../helpers/samples.js';
import { resolved } from './fixtures.js';

const cel = createCelEnv();

async function vars(memoryBytes: number, workingSet: number) {
  const spec = await resolved({ resources: { memoryBytes } });
  return { container: cel.container(spec), sample: cel.sample(fakeSample('a'.repeat(64), 1000, { stats: fakeStats({ memoryBytes: workingSet, limitBytes: memoryBytes }) })) };
}

test('byte quantities are doubles: comparisons and ratios with int or double literals work', async () => {
  const v = await vars(100 * 1024 * 1024, 95 * 1024 * 1024);
  const cases: Array<[string, boolean]> = [
    ['sample.memory.workingSetBytes > 0.9 * container.resources.memoryBytes', true],
    ['sample.memory.workingSetBytes > 0.99 * container.resources.memoryBytes', false],
    ['container.resources.memoryBytes > 0', true],
    ['container.resources.memoryBytes == 104857600', true],
    ['container.resources.memoryBytes != 0', true],
    ['sample.memory.workingSetBytes / sample.memory.limitBytes > 0.9', true], // no silent integer division
    ['container.resources.memoryBytes * 2 > 200000000', true],
    ['container.resources.memoryBytes - 1048576 == 103809024', true],
    ['2 * container.resources.memoryBytes > container.resources.memoryBytes + 1', true],
  ];
  for (const [source, expected] of cases) {
    assert.equal(cel.compile(source, 'runtime', 'bool').evaluate(v), expected, source);
  }
});

test('identifiers are ints and mix with doubles', async () => {
  const v = { container: cel.container(await resolved({ user: 'app' })) };
  assert.equal(cel.compile('container.user.uid == 1000', 'admission', 'bool').evaluate(v), true);
  assert.equal(cel.compile('container.user.uid * 0.5 == 500', 'admission', 'bool').evaluate(v), true);
  assert.equal(cel.compile('container.user.gid in [1000, 0]', 'admission', 'bool').evaluate(v), true);
});

test('unknown fields, type errors and wrong result types are caught at compile time', () => {
  const bad: Array<[string, 'admission' | 'runtime', RegExp]> = [
    ['container.resources.memoryByte > 0', 'admission', /No such key: memoryByte/],
    ['container.name > 3', 'admission', /no such overload/],
    ['container.name', 'admission', /must evaluate to bool, not string/],
    ['sample.cpu.cores > 1', 'admission', /Unknown variable: sample/],
    ['container.labels["a"] == ', 'admission', /Unexpected token/],
    ['sample.cpu.nope > 1', 'runtime', /No such key: nope/],
  ];
  for (const [source, scope, re] of bad) {
    assert.throws(() => cel.compile(source, scope, 'bool'), (err: unknown) => err instanceof CelCompileError && re.test(err.message), source);
  }
});

test('compile errors carry the offset inside the expression', () => {
  const err = (() => { try { cel.compile('container.resources.nope > 0', 'admission', 'bool'); } catch (e) { return e as CelCompileError; } })();
  assert.equal(err?.offset, 'container.resources.'.length); // at the unknown field's name
});

test('a string message expression must return a string', () => {
  const v = { container: cel.container({ name: 'web' } as never) };
  assert.equal(cel.compile('"name " + container.name', 'admission', 'string').evaluate(v), 'name web');
  assert.throws(() => cel.compile('1 + 1', 'admission', 'string'), /must evaluate to string, not int/);
});

test('samples map the sampler fields the rules document', () => {
  const s = fakeSample('b'.repeat(64), 5000, { cpu: { cores: 0.5, percent: 50, throttledRatio: 0.25 }, processes: 3 });
  s.stats.spec.cpuQuotaUs = 50000;
  s.stats.memory.oomKills = 2;
  s.stats.pids = { current: 7, limit: 10 };
  const v = { container: cel.container({} as never), sample: cel.sample(s) };
  const check = (src: string) => cel.compile(src, 'runtime', 'bool').evaluate(v);
  assert.equal(check('sample.cpu.quotaCores == 0.5 && sample.cpu.throttledRatio == 0.25 && sample.cpu.cores == 0.5'), true);
  assert.equal(check('sample.oomKills == 2 && sample.processes == 3 && sample.pids.current / sample.pids.limit == 0.7'), true);
  assert.equal(check('sample.time == 5000'), true);
});
