import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStartTicks, processStartTicks } from '../../../agent/runtime/shim.js';

test('starttime is field 22 of /proc/<pid>/stat, counted after a command name that may hold spaces and parentheses', () => {
  const rest = 'S 1 812 812 0 -1 4194624 590 0 0 0 1 2 0 0 20 0 1 0 987654 2265088 187 18446744073709551615';
  assert.equal(parseStartTicks(`812 (berth-shim) ${rest}`), 987654);
  assert.equal(parseStartTicks(`99 (a) b (c) d) ${rest}`), 987654);
  assert.throws(() => parseStartTicks('812 (cut'), /unexpected \/proc\/<pid>\/stat line/);
});

test('this process\'s start time is read, and stays the same; a pid with no process has none', async () => {
  const mine = await processStartTicks(process.pid);
  assert.ok(Number.isSafeInteger(mine) && mine! > 0);
  assert.equal(await processStartTicks(process.pid), mine);
  assert.equal(await processStartTicks(2 ** 22 + 1), undefined); // above the largest pid_max
});
