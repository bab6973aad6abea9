import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignCells, commandText, humanDuration, psFields, psRow, statusText, table, PS_HEADERS } from '../../../agent/cli/format.js';
import type { ContainerInfo } from '../../../agent/runtime/types.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('humanDuration follows docker/go-units', () => {
  const cases: [number, string][] = [
    [500, 'Less than a second'], [S, '1 second'], [15 * S, '15 seconds'], [59 * S, '59 seconds'], [60 * S, 'About a minute'],
    [119 * S, 'About a minute'], [2 * M, '2 minutes'], [59 * M, '59 minutes'], [60 * M, 'About an hour'], [89 * M, 'About an hour'],
    [91 * M, '2 hours'], [47 * H, '47 hours'], [48 * H, '2 days'], [13 * D, '13 days'], [14 * D, '2 weeks'], [59 * D, '8 weeks'],
    [60 * D, '2 months'], [729 * D, '24 months'], [730 * D, '2 years'],
  ];
  for (const [ms, text] of cases) assert.equal(humanDuration(ms), text, `${ms} ms`);
});

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();

function info(over: Partial<ContainerInfo>): ContainerInfo {
  return {
    id: 'a'.repeat(64), name: 'web', status: 'running', pid: 10, shimPid: 9, createdAt: ago(6 * M), startedAt: ago(15 * S),
    spec: { image: '/srv/rootfs', cmd: ['sh', '-c', 'while :; do :; done'], labels: { tier: 'batch' } } as unknown as ContainerInfo['spec'],
    cgroup: '/berth/x', stateDir: '/s', ...over,
  };
}

test('status text like docker ps', () => {
  assert.equal(statusText(info({}), NOW), 'Up 15 seconds');
  assert.equal(statusText(info({ status: 'paused' }), NOW), 'Up 15 seconds (Paused)');
  assert.equal(statusText(info({ status: 'created', startedAt: undefined }), NOW), 'Created');
  assert.equal(statusText(info({ status: 'exited', exit: { exitCode: 137, oomKilled: false, finishedAt: ago(6 * M) } }), NOW), 'Exited (137) 6 minutes ago');
});

test('commands are quoted and cut at 20 characters with an ellipsis', () => {
  assert.equal(commandText(['/bin/echo', 'hi']), '"/bin/echo hi"');
  assert.equal(commandText(['sh', '-c', 'while :; do :; done']), '"sh -c while :; do :…"');
  assert.equal(commandText(['sh', '-c', 'while :; do :; done'], false), '"sh -c while :; do :; done"');
  assert.equal(commandText(['echo', '"q"']), '"echo \\"q\\""');
});

test('tables: columns padded to the widest cell + 3, at least 10, last column unpadded', () => {
  const out = table(['A', 'LONGER HEADER', 'LAST'], [['x', 'y', 'z'], ['wide cell here', '', 'end']]);
  // Column widths: max(10, widest cell + 3) = 17 and 16.
  assert.equal(out, [
    `${'A'.padEnd(17)}${'LONGER HEADER'.padEnd(16)}LAST`,
    `${'x'.padEnd(17)}${'y'.padEnd(16)}z`,
    `${'wide cell here'.padEnd(17)}${''.padEnd(16)}end`,
    '',
  ].join('\n'));
  assert.equal(table(['ID', 'N'], [['1', '2']]), `${'ID'.padEnd(10)}N\n${'1'.padEnd(10)}2\n`, 'narrow columns are 10 wide');
});

test('a ps row and its fields (JSON and templates), shortened unless --no-trunc', () => {
  const c = info({});
  assert.deepEqual(psRow(c, NOW), ['aaaaaaaaaaaa', '/srv/rootfs', '"sh -c while :; do :…"', '6 minutes ago', 'Up 15 seconds', 'web']);
  assert.equal(PS_HEADERS.length, psRow(c, NOW).length);
  const f = psFields(c, NOW);
  const j = JSON.parse(JSON.stringify(f));
  assert.equal(j.ID, 'aaaaaaaaaaaa');
  assert.equal(j.Command, '"sh -c while :; do :…"');
  assert.equal(j.Status, 'Up 15 seconds');
  assert.equal(j.Labels, 'tier=batch');
  assert.equal(j.State, 'running');
  assert.equal(j.Networks, 'none');
  assert.equal(j.Ports, '', 'docker\'s PORTS column: empty, nothing is published');
  assert.equal('Label' in j, false, 'the Label method is not data');
  assert.equal(f.Label('tier'), 'batch');
  assert.equal(f.Label('nope'), '');
  const full = psFields(c, NOW, false);
  assert.equal(full.ID, c.id);
  assert.equal(full.Command, '"sh -c while :; do :; done"');
});

test('aligned cells: a column is as wide as its widest cell + 3 within a run of lines that have it', () => {
  const out = alignCells([['a', 'b', 'c'], ['longer than ten', 'x'], ['solo'], ['p', 'q']]);
  assert.equal(out, [
    `${'a'.padEnd(18)}${'b'.padEnd(10)}c`,
    `${'longer than ten'.padEnd(18)}x`,
    'solo', // ends the run: the next line's column starts a new block
    `${'p'.padEnd(10)}q`,
  ].join('\n'));
});
