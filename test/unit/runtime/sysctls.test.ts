import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveSpec } from '../../../agent/runtime/resolve.js';
import { validateSpec } from '../../../agent/runtime/spec.js';
import { sysctlNamespace } from '../../../agent/runtime/sysctls.js';
import { assertRejectsInvalid, fixtureRootfs, makeBundle, runcSpec } from './spec-helpers.js';

const ENV = { hostCpus: 2 };
const resolve = async (input: Record<string, unknown>) => resolveSpec(validateSpec(input, ENV), ENV);

test('each sysctl belongs to the namespace that isolates it, or to none (the host\'s)', () => {
  const cases: [string, string | undefined][] = [
    ['net.ipv4.ip_forward', 'net'], ['net.core.somaxconn', 'net'], ['fs.mqueue.msg_max', 'ipc'], ['kernel.shmmax', 'ipc'],
    ['kernel.sem', 'ipc'], ['kernel.msgmnb', 'ipc'], ['kernel.hostname', 'uts'], ['kernel.domainname', 'uts'],
    ['kernel.core_pattern', undefined], ['vm.overcommit_memory', undefined], ['kernel.shm_next_id', undefined], ['fs.file-max', undefined],
  ];
  for (const [key, ns] of cases) assert.equal(sysctlNamespace(key), ns, key);
});

test('a rootfs spec keeps its sysctls; the resolved spec has an empty map without any', async (t) => {
  const rootfs = fixtureRootfs(t);
  assert.deepEqual((await resolve({ rootfs, cmd: ['sh'] })).sysctls, {});
  const sysctls = { 'net.ipv4.ip_unprivileged_port_start': '0', 'kernel.sem': '250 32000 100 128', 'fs.mqueue.msg_max': '20' };
  assert.deepEqual((await resolve({ rootfs, cmd: ['sh'], sysctls })).sysctls, sysctls);
});

test('sysctls that would change the host are refused by name', async (t) => {
  const rootfs = fixtureRootfs(t);
  const field = (key: string) => `sysctls[${JSON.stringify(key)}]`;
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], sysctls: { 'kernel.core_pattern': '|/tmp/x' } }), field('kernel.core_pattern'),
    /not allowed: only parameters of the container's own namespaces/);
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], namespaces: { net: 'host' }, sysctls: { 'net.ipv4.ip_forward': '1' } }),
    field('net.ipv4.ip_forward'), /not allowed with the host's net namespace/);
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], namespaces: { ipc: 'host' }, sysctls: { 'kernel.shmmax': '1' } }),
    field('kernel.shmmax'), /host's ipc namespace/);
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], namespaces: { uts: 'host' }, sysctls: { 'kernel.domainname': 'x' } }),
    field('kernel.domainname'), /host's uts namespace/);
});

test('malformed sysctls are refused by validateSpec', async (t) => {
  const rootfs = fixtureRootfs(t);
  const field = (key: string) => `sysctls[${JSON.stringify(key)}]`;
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], sysctls: { 'net/ipv4/ip_forward': '1' } }), field('net/ipv4/ip_forward'), /is not a sysctl name/);
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], sysctls: { net: '1' } }), field('net'), /is not a sysctl name/);
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], sysctls: { 'net.ipv4.ip_forward': '' } }), field('net.ipv4.ip_forward'), /non-empty value/);
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], sysctls: { 'net.ipv4.ip_forward': '1\n0' } }), field('net.ipv4.ip_forward'), /without newlines/);
  await assertRejectsInvalid(resolve({ rootfs, cmd: ['sh'], sysctls: { 'net.ipv4.ip_forward': 1 } }), 'sysctls.net.ipv4.ip_forward', /string/);
});

test('a bundle\'s linux.sysctl is in the resolved spec (policy sees it), the user\'s win, and bad keys name config.json', async (t) => {
  const config = runcSpec();
  config.linux.sysctl = { 'net.ipv4.ip_forward': '1', 'net.core.somaxconn': '128' };
  const bundle = makeBundle(t, config);
  const spec = await resolve({ bundle, sysctls: { 'net.core.somaxconn': '4096' } });
  assert.deepEqual(spec.sysctls, { 'net.ipv4.ip_forward': '1', 'net.core.somaxconn': '4096' });

  const hostWide = runcSpec();
  hostWide.linux.sysctl = { 'vm.swappiness': '0' };
  const other = makeBundle(t, hostWide);
  const err = await assertRejectsInvalid(resolve({ bundle: other }), 'linux.sysctl["vm.swappiness"]', /not allowed: only parameters/);
  assert.equal(err.details?.file, join(other, 'config.json'));
  assert.ok(err.message.startsWith(`${join(other, 'config.json')}: `), err.message);
});
