import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cpuTopology, readMachineInfo } from '../../../agent/sampler/machine.js';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures');

test('machine identity and topology: two hyperthreads of one core in one socket, an offline CPU without topology left out', () => {
  assert.deepEqual(readMachineInfo({ procRoot: join(FIXTURES, 'proc'), sysRoot: join(FIXTURES, 'sys'), etcRoot: join(FIXTURES, 'etc') }), {
    bootId: '7c1e0b52-94e1-4d1c-b0b5-3f1c2a9d8e77', machineId: '0f2b5c8e9a7d4e1f8c3b6a5d4e3f2a1b', systemUuid: '4c4c4544-0042-3510-8052-b4c04f4e3432',
    physicalCores: 1, sockets: 1,
  });
});

test('what cannot be read is empty (no DMI on many VMs, no /sys in a test): never an error', (t) => {
  const empty = mkdtempSync(join(tmpdir(), 'berth-machine-'));
  t.after(() => rmSync(empty, { recursive: true, force: true }));
  assert.deepEqual(readMachineInfo({ procRoot: empty, sysRoot: empty, etcRoot: empty }), { bootId: '', machineId: '', systemUuid: '', physicalCores: 0, sockets: 0 });
  assert.deepEqual(cpuTopology(join(empty, 'nope')), { physicalCores: 0, sockets: 0 });
});

test('this host\'s topology counts at least one core per socket, and no more cores than online CPUs', () => {
  const { physicalCores, sockets } = cpuTopology('/sys/devices/system/cpu');
  assert.ok(sockets >= 1 && physicalCores >= sockets, JSON.stringify({ physicalCores, sockets }));
});
