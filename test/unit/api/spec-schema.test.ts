// The API's JSON schema for ContainerSpec checks shape; validateSpec (agent/runtime/spec.ts) is
// the authority. These tests keep the two in step: the same field names at every level, and
// well-typed values that one accepts are not refused by the other as unknown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { containerSpecSchema } from '../../../agent/api/index.js';
import { compileStrict } from '../../../agent/api/schemas/strict-validator.js';
import { validateSpec } from '../../../agent/runtime/index.js';

type Schema = { properties?: Record<string, Schema>; items?: Schema; type?: string };

function knownFieldsOf(spec: Record<string, unknown>): string[] {
  try {
    validateSpec(spec, { hostCpus: 2 });
  } catch (err) {
    const m = /unknown field \(known: ([^)]*)\)/.exec((err as Error).message);
    if (m) return m[1]!.split(', ').sort();
    throw new Error(`expected an unknown-field error, got: ${(err as Error).message}`);
  }
  throw new Error('validateSpec accepted an unknown field');
}

test('schema and validateSpec know the same fields at every level', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'berth-spec-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const base = { rootfs: root, cmd: ['/bin/true'] };
  const levels: [string, Schema, (extra: Record<string, unknown>) => Record<string, unknown>][] = [
    ['spec', containerSpecSchema as Schema, (x) => ({ ...base, ...x })],
    ['resources', containerSpecSchema.properties.resources as Schema, (x) => ({ ...base, resources: x })],
    ['capabilities', containerSpecSchema.properties.capabilities as Schema, (x) => ({ ...base, capabilities: x })],
    ['namespaces', containerSpecSchema.properties.namespaces as Schema, (x) => ({ ...base, namespaces: x })],
    ['mounts[]', containerSpecSchema.properties.mounts.items as Schema, (x) => ({ ...base, mounts: [{ type: 'tmpfs', target: '/t', ...x }] })],
    ['ulimits[]', containerSpecSchema.properties.ulimits.items as Schema, (x) => ({ ...base, ulimits: [{ name: 'nofile', soft: 1, hard: 1, ...x }] })],
    ['uidMappings[]', containerSpecSchema.properties.uidMappings.items as Schema, (x) => ({ ...base, uidMappings: [{ containerId: 0, hostId: 1000, size: 1, ...x }] })],
  ];
  for (const [level, schema, make] of levels) {
    const known = knownFieldsOf(make({ zzzUnknown: 1 }));
    assert.deepEqual(Object.keys(schema.properties ?? {}).sort(), known, `fields of ${level}`);
  }
});

test('a spec with every field well typed passes the schema, and validateSpec judges its meaning', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'berth-spec-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const spec = {
    name: 'full', rootfs: root, image: 'img', cmd: ['/bin/sh', '-c', 'true'], env: ['A=1'], workdir: '/tmp', hostname: 'h', user: '0:0',
    labels: { a: 'b' }, resources: { memoryBytes: 64 * 2 ** 20, memorySwapBytes: -1, cpus: 0.5, cpuShares: 512, cpusetCpus: '0', cpusetMems: '0', pidsLimit: 64, blkioWeight: 500 },
    namespaces: { net: 'host', pid: 'private' }, capabilities: { add: ['NET_ADMIN'], drop: ['CHOWN'] },
    mounts: [{ type: 'tmpfs', target: '/run', options: ['size=1m'] }, { type: 'bind', source: root, target: '/mnt', readOnly: true }],
    readOnlyRootfs: true, seccomp: 'unconfined', noNewPrivileges: false, ulimits: [{ name: 'nofile', soft: 10, hard: 20 }],
    stopTimeout: 3, stopSignal: 'SIGINT', autoRemove: true, restartPolicy: { name: 'no', maxRetries: 0 },
    healthcheck: { cmd: ['true'], intervalSeconds: 1.5, timeoutSeconds: 1, retries: 2, startPeriodSeconds: 0 },
  };
  const check = compileStrict(containerSpecSchema as unknown as Record<string, unknown>);
  assert.deepEqual(check(spec), { value: spec });
  assert.doesNotThrow(() => validateSpec(spec, { hostCpus: 2 }));
  const wrong = check({ ...spec, resources: { cpus: '0.5' } });
  assert.ok('error' in wrong && wrong.error.validation[0]!.instancePath === '/resources/cpus');
  assert.throws(() => validateSpec({ ...spec, resources: { cpus: '0.5' } }, { hostCpus: 2 }), /resources\.cpus/);
});
