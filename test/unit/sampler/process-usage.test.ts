import { test } from 'node:test';
import assert from 'node:assert/strict';
import { processUsage } from '../../../agent/sampler/sampler.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms)); // the time measured, not a synchronisation

function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) { /* the stall being measured */ }
}

test('the agent usage reports the longest event loop stall since the previous reading, then starts over', async () => {
  processUsage(); // starts the measuring timer
  await pause(100);
  processUsage();
  blockFor(120);
  await pause(60); // the measuring timer runs late once, after the stall
  const stalled = processUsage();
  assert.ok(stalled.eventLoopBlockedMaxSeconds >= 0.09, `a 120 ms stall read as ${stalled.eventLoopBlockedMaxSeconds} s`);
  assert.ok(stalled.eventLoopBlockedMaxSeconds < 1, `${stalled.eventLoopBlockedMaxSeconds} s`);
  await pause(100);
  const after = processUsage();
  assert.ok(after.eventLoopBlockedMaxSeconds < stalled.eventLoopBlockedMaxSeconds - 0.05, `not reset: ${after.eventLoopBlockedMaxSeconds} s`);
  assert.ok(after.cpuSecondsTotal >= stalled.cpuSecondsTotal + 0.1 - 0.12 && after.rssBytes > 0);
});
