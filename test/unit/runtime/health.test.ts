// The healthcheck state machine (docker's): starting → healthy on a pass, unhealthy after `retries`
// failures in a row, failures in the start period not counted while starting, five probes kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialHealth, nextHealth, nextProbeDelaySeconds } from '../../../agent/runtime/health.js';
import { resolveHealthcheck } from '../../../agent/runtime/resolve-common.js';
import type { HealthState } from '../../../agent/runtime/types.js';

const check = resolveHealthcheck({ cmd: ['true'], retries: 2 });
const probe = (exitCode: number, n = 0) => ({ start: `t${n}`, end: `t${n}`, exitCode, output: exitCode ? 'no' : '' });
const run = (codes: number[], inStartPeriod = false, from: HealthState = initialHealth()) =>
  codes.reduce((s, code, i) => nextHealth(s, probe(code, i), check, inStartPeriod), from);

test('a pass makes it healthy; retries failures in a row make it unhealthy; a pass ends the streak', () => {
  assert.equal(run([0]).status, 'healthy');
  assert.deepEqual([run([1]).status, run([1]).failingStreak], ['starting', 1]);
  assert.deepEqual([run([1, 1]).status, run([1, 1]).failingStreak], ['unhealthy', 2]);
  assert.deepEqual([run([0, 1]).status, run([0, 1]).failingStreak], ['healthy', 1], 'one failure does not undo healthy');
  assert.equal(run([0, 1, 1]).status, 'unhealthy');
  assert.deepEqual([run([1, 1, 0]).status, run([1, 1, 0]).failingStreak], ['healthy', 0]);
  assert.equal(run([1, -1]).status, 'unhealthy', 'a timeout (-1) is a failure');
});

test('failures in the start period do not count while starting, but do once it was healthy', () => {
  assert.deepEqual([run([1, 1, 1], true).status, run([1, 1, 1], true).failingStreak], ['starting', 0]);
  assert.equal(run([1, 1], true, run([0])).status, 'unhealthy');
});

test('the start interval paces the checks only while starting within the start period (docker 25)', () => {
  const paced = resolveHealthcheck({ cmd: ['true'], intervalSeconds: 60, startPeriodSeconds: 30, startIntervalSeconds: 2 });
  assert.equal(nextProbeDelaySeconds(paced, 'starting', 0), 2);
  assert.equal(nextProbeDelaySeconds(paced, 'starting', 29.9), 2);
  assert.equal(nextProbeDelaySeconds(paced, 'starting', 30), 60, 'the start period is over');
  assert.equal(nextProbeDelaySeconds(paced, 'healthy', 1), 60, 'healthy already');
  assert.equal(nextProbeDelaySeconds(paced, 'unhealthy', 1), 60);
  const unset = resolveHealthcheck({ cmd: ['true'], intervalSeconds: 60, startPeriodSeconds: 30 });
  assert.equal(nextProbeDelaySeconds(unset, 'starting', 0), 5, 'docker\'s default start interval');
  assert.equal(nextProbeDelaySeconds(check, 'starting', 0), 30, 'no start period: the interval from the first check on');
});

test('the last five probes are kept, oldest first', () => {
  const s = run([1, 1, 1, 1, 1, 1, 0]);
  assert.deepEqual(s.log.map((p) => p.start), ['t2', 't3', 't4', 't5', 't6']);
});
