// docker's restart policies as pure decisions: which exits restart, the backoff, the agent-start rule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIRST_DELAY_MS, MAX_DELAY_MS, parseRestartPolicy, restartDelay, startsWithAgent } from '../../../agent/runtime/restart-policy.js';
import type { ExitInfo } from '../../../agent/runtime/types.js';

const exit = (exitCode: number): ExitInfo => ({ exitCode, oomKilled: false, finishedAt: '' });
const fresh = { restartCount: 0, manuallyStopped: false, lastDelayMs: 0 };

test('which exits restart: no never, on-failure on a non-zero code up to its retries, always and unless-stopped on any', () => {
  assert.equal(restartDelay(parseRestartPolicy('no'), exit(1), fresh, 0), undefined);
  assert.equal(restartDelay(parseRestartPolicy('on-failure'), exit(0), fresh, 0), undefined);
  assert.equal(restartDelay(parseRestartPolicy('on-failure'), exit(137), { ...fresh, restartCount: 99 }, 0), FIRST_DELAY_MS, 'no limit without :N');
  assert.equal(restartDelay(parseRestartPolicy('on-failure:2'), exit(1), { ...fresh, restartCount: 1 }, 0), FIRST_DELAY_MS);
  assert.equal(restartDelay(parseRestartPolicy('on-failure:2'), exit(1), { ...fresh, restartCount: 2 }, 0), undefined);
  for (const name of ['always', 'unless-stopped']) {
    assert.equal(restartDelay(parseRestartPolicy(name), exit(0), fresh, 0), FIRST_DELAY_MS, name);
    assert.equal(restartDelay(parseRestartPolicy(name), exit(0), { ...fresh, manuallyStopped: true }, 0), undefined, `${name} after a user's stop`);
  }
});

test('the delay doubles from 100 ms up to a minute, and starts over after a run of 10 s', () => {
  const always = parseRestartPolicy('always');
  const delays: number[] = [];
  let last = 0;
  for (let i = 0; i < 12; i++) {
    last = restartDelay(always, exit(1), { ...fresh, lastDelayMs: last }, 50)!;
    delays.push(last);
  }
  assert.deepEqual(delays.slice(0, 4), [100, 200, 400, 800]);
  assert.equal(delays.at(-1), MAX_DELAY_MS);
  assert.equal(restartDelay(always, exit(1), { ...fresh, lastDelayMs: MAX_DELAY_MS }, 10_000), FIRST_DELAY_MS);
});

test('when the agent starts: always runs again even after a user stop, unless-stopped only without one', () => {
  assert.equal(startsWithAgent(parseRestartPolicy('always'), true), true);
  assert.equal(startsWithAgent(parseRestartPolicy('unless-stopped'), true), false);
  assert.equal(startsWithAgent(parseRestartPolicy('unless-stopped'), false), true);
  assert.equal(startsWithAgent(parseRestartPolicy('on-failure:3'), false), false);
});

test('parseRestartPolicy takes docker\'s syntax and says what is wrong', () => {
  assert.deepEqual(parseRestartPolicy('on-failure:5'), { name: 'on-failure', maxRetries: 5 });
  assert.deepEqual(parseRestartPolicy('unless-stopped'), { name: 'unless-stopped', maxRetries: 0 });
  assert.throws(() => parseRestartPolicy('sometimes'), /"sometimes" is not one of no, always, unless-stopped, on-failure\[:max-retries\]/);
  assert.throws(() => parseRestartPolicy('always:3'), /a maximum retry count goes only with on-failure/);
  assert.throws(() => parseRestartPolicy('on-failure:-1'), /is not one of/);
});
