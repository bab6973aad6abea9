import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currentBoot, parseBootTimeMs } from '../../../agent/runtime/host-boot.js';

test('the boot time is /proc/stat\'s btime line, in ms', () => {
  assert.equal(parseBootTimeMs('cpu  1 2 3\nintr 5\nbtime 1796450000\nprocesses 77\n'), 1796450000_000);
  assert.throws(() => parseBootTimeMs('cpu  1 2 3\nbtime\n'), /no btime line/);
});

test('this host\'s boot: a UUID, and a time before now', () => {
  const boot = currentBoot();
  assert.match(boot.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  assert.ok(boot.timeMs > 0 && boot.timeMs < Date.now(), String(boot.timeMs));
});
