// The missing-key lint (cel-lint.ts) over real parsed expressions: CEL's && and || absorb an error
// when the other side decides, so what matters is whether a guard can keep the read from mattering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCelEnv } from '../../../agent/policy/cel.js';
import { unguardedKeyReads } from '../../../agent/policy/cel-lint.js';

const cel = createCelEnv();
const MAPS = new Set(['container.labels', 'container.sysctls']);
const flagged = (source: string) => unguardedKeyReads(cel.compile(source, 'admission', 'bool').ast, MAPS).map((r) => r.key);

test('a read whose missing key can make the whole match err is flagged', () => {
  assert.deepEqual(flagged('container.labels["tier"] == "batch"'), ['tier']);
  assert.deepEqual(flagged('container.labels.tier == "x" || "tier" in container.labels'), ['tier'], 'missing: error || false is an error');
  assert.deepEqual(flagged('"tier" in container.labels || container.labels.tier == "x"'), ['tier'], '|| does not guard: false || error');
  assert.deepEqual(flagged('"tier" in container.labels && container.labels.tier == "x" && container.labels.team == "y"'), ['team']);
  assert.deepEqual(flagged('container.labels.exists(k, k == "a") && container.sysctls["net.x"] == "1"'), ['net.x']);
  assert.deepEqual(flagged('"a" in container.labels ? container.labels.b == "1" : true'), ['b'], 'a guard for another key');
});

test('a read a guard keeps from mattering is not flagged, on either side of && and in a ternary', () => {
  for (const source of [
    '"tier" in container.labels && container.labels["tier"] == "batch"',
    'container.labels.tier == "x" && "tier" in container.labels',
    'has(container.labels.tier) && container.labels.tier.startsWith("b")',
    '"tier" in container.labels ? container.labels.tier == "x" : false',
    '!("tier" in container.labels) || container.labels.tier == "x"',
    '("tier" in container.labels && container.labels.tier == "a") || ("tier" in container.labels && container.labels.tier == "b")',
    'container.name == "web"',
  ]) assert.deepEqual(flagged(source), [], source);
});
