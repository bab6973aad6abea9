import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatAgentCost, formatBytes, formatCpuPercent, formatDuration, formatPercent, formatRate, formatStatus, formatUsage, niceCeil, shortId,
} from '../../../dashboard/src/format.js';

test('memory is binary (MiB), I/O rates decimal (kB/s), like docker stats', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1536), '1.50 KiB');
  assert.equal(formatBytes(64 * 1024 * 1024), '64.0 MiB');
  assert.equal(formatBytes(200 * 1024 * 1024), '200 MiB');
  assert.equal(formatRate(1500), '1.50 kB/s');
  assert.equal(formatRate(0), '0 B/s');
  assert.equal(formatUsage(1024 * 1024, 0), '1.00 MiB / –');
  assert.equal(formatUsage(1024 * 1024, 64 * 1024 * 1024), '1.00 MiB / 64.0 MiB');
  assert.equal(formatBytes(Number.NaN), '–');
});

test('CPU is percent of one core; durations are compact', () => {
  assert.equal(formatCpuPercent(0.253), '25.3%');
  assert.equal(formatCpuPercent(1.5), '150%');
  assert.equal(formatPercent(0.5), '50.0%');
  assert.equal(formatDuration(45_000), '45s');
  assert.equal(formatDuration(192_000), '3m 12s');
  assert.equal(formatDuration(2 * 3600_000 + 5 * 60_000), '2h 5m');
  assert.equal(formatDuration(-1), '–');
  assert.equal(shortId('0123456789abcdef'), '0123456789ab');
});

test('niceCeil gives round axis maxima at or above the value', () => {
  assert.equal(niceCeil(0.54), 1);
  assert.equal(niceCeil(3), 5);
  assert.equal(niceCeil(2), 2);
  assert.equal(niceCeil(2.2), 2.5);
  assert.equal(niceCeil(700), 1000);
  assert.equal(niceCeil(1000), 1000);
  assert.ok(niceCeil(0) > 0, 'never 0: the axis must stay fixed');
});

test('a status carries the last exit code when exited or restarting', () => {
  assert.equal(formatStatus({ status: 'running' }), 'running');
  assert.equal(formatStatus({ status: 'exited', exitCode: 137 }), 'exited (137)');
  assert.equal(formatStatus({ status: 'restarting', exitCode: 1 }), 'restarting (1)');
  assert.equal(formatStatus({ status: 'exited' }), 'exited');
});

test('the agent\'s cost names its stride only when over its CPU budget', () => {
  const agent = { rssBytes: 96 * 2 ** 20, sampleDurationSeconds: 0.0123, sampleStride: 1 };
  assert.equal(formatAgentCost(0.021, agent), '2.1% CPU · 96.0 MiB RSS · sampling 12.3 ms');
  assert.equal(formatAgentCost(0.021, { ...agent, sampleStride: 3 }),
    '2.1% CPU · 96.0 MiB RSS · sampling 12.3 ms · over its CPU budget: busy containers\' figures other than CPU every 3 samples');
});
