// The container list's filters (docker ps --filter): keys, OR within a key, AND across keys, the
// default "up only" list and the errors that name the bad filter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterContainers, parseContainerFilter } from '../../../agent/api/container-filter.js';
import { BerthError } from '../../../agent/errors.js';
import type { ContainerInfo, ContainerStatus, ResolvedSpec } from '../../../agent/runtime/types.js';

function container(name: string, status: ContainerStatus, minute: number, spec: Partial<ResolvedSpec> = {}, exitCode?: number): ContainerInfo {
  const id = `${name.padEnd(8, 'x')}${'0'.repeat(56)}`.replace(/[^0-9a-f]/g, 'a');
  return {
    id, name, status, pid: 0, shimPid: 0, createdAt: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString(),
    spec: { image: 'busybox:1.36', labels: {}, mounts: [], namespaces: { net: 'private' }, ...spec } as ResolvedSpec,
    cgroup: '', stateDir: '', ...(exitCode === undefined ? {} : { exit: { exitCode, oomKilled: false, finishedAt: '' } }),
  };
}

const LIST = [
  container('web', 'running', 1, { labels: { tier: 'front', owner: 'a' } }),
  container('db', 'paused', 2, { labels: { tier: 'back' }, mounts: [{ type: 'bind', source: '/srv/db', target: '/var/lib/db' }] }),
  container('job', 'exited', 3, { image: 'alpine' }, 3),
  container('ok', 'exited', 4, {}, 0),
  container('new', 'created', 5, { namespaces: { net: 'host' } } as Partial<ResolvedSpec>),
];
LIST[0]!.health = { status: 'healthy', failingStreak: 0, log: [] };
LIST[1]!.health = { status: 'unhealthy', failingStreak: 3, log: [] };

/** Stands in for the runtime's lookup (the real one also takes ids and unique id prefixes). */
function byName(name: string): ContainerInfo {
  const c = LIST.find((x) => x.name === name);
  if (!c) throw new BerthError('NOT_FOUND', `no such container: ${name}`);
  return c;
}

const names = (args: string[], all = false) => filterContainers(LIST, all, parseContainerFilter(args), byName).map((c) => c.name);

test('without all only containers that are up; status asks about every container', () => {
  assert.deepEqual(names([]), ['web', 'db']);
  assert.deepEqual(names([], true), ['web', 'db', 'job', 'ok', 'new']);
  assert.deepEqual(names(['status=exited']), ['job', 'ok']);
  assert.deepEqual(names(['status=created', 'status=paused']), ['db', 'new'], 'values of one key: OR');
});

test('each key: id prefix, name regexp on /name, label, exited, ancestor, before/since, volume, network', () => {
  assert.deepEqual(names([`id=${LIST[2]!.id.slice(0, 6)}`], true), ['job']);
  assert.deepEqual(names(['name=^/w'], true), ['web']);
  assert.deepEqual(names(['name=o'], true), ['job', 'ok']);
  assert.deepEqual(names(['label=tier'], true), ['web', 'db']);
  assert.deepEqual(names(['label=tier=back'], true), ['db']);
  assert.deepEqual(names(['exited=3'], true), ['job']);
  assert.deepEqual(names(['exited=0']), [], 'exited does not widen the default list');
  assert.deepEqual(names(['ancestor=busybox'], true), ['web', 'db', 'ok', 'new']);
  assert.deepEqual(names(['ancestor=alpine'], true), ['job']);
  assert.deepEqual(names(['before=job'], true), ['web', 'db']);
  assert.deepEqual(names(['since=job'], true), ['ok', 'new']);
  assert.deepEqual(names(['since=job']), [], 'the reference may be a container that is not listed');
  assert.deepEqual(names(['volume=/srv/db'], true), ['db']);
  assert.deepEqual(names(['network=host'], true), ['new']);
  assert.deepEqual(names(['network=none'], true), ['web', 'db', 'job', 'ok'], 'a network namespace of its own');
  const sidecar = container('side', 'running', 6, { namespaces: { net: `container:${LIST[0]!.id}` } } as Partial<ResolvedSpec>);
  assert.equal(filterContainers([sidecar], false, parseContainerFilter([`network=container:${LIST[0]!.id}`]), byName).length, 1, 'docker\'s container:<id>');
  assert.deepEqual(names(['health=unhealthy']), ['db']);
  assert.deepEqual(names(['health=none'], true), ['job', 'ok', 'new']);
  assert.deepEqual(names(['label=tier', 'status=running']), ['web'], 'different keys: AND');
});

test('bad filters are refused naming the filter', () => {
  const cases: [string, RegExp][] = [
    ['nokey', /bad format of filter "nokey" \(expected name=value\)/],
    ['publish=80', /invalid filter "publish" \(berth knows id, name, label, /],
    ['health=ok', /invalid filter "health=ok" \(one of starting, healthy, unhealthy, none\)/],
    ['status=up', /invalid filter "status=up" \(one of created, /],
    ['exited=x', /an exit code is an integer/],
    ['name=(', /invalid filter "name=\("/],
  ];
  for (const [arg, message] of cases) {
    assert.throws(() => parseContainerFilter([arg]), (e: BerthError) => e.code === 'INVALID_REQUEST' && e.details?.field === 'filter' && message.test(e.message), arg);
  }
  assert.throws(() => names(['before=nope'], true), /no such container: nope/);
});
