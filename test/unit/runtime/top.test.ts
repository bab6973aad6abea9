// parsePsOutput: ps text → docker top's titles and rows, only the container's pids, commands whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePsOutput } from '../../../agent/runtime/top.js';

const PS_EF = `UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 16:53 ?        00:00:05 /sbin/init splash
root       16464   16463  0 17:18 ?        00:00:00 sh -c sleep 1000 & sleep 2000 & wait
root       16465   16464  0 17:18 ?        00:00:00 sleep 1000
nobody     16470   16464  0 17:18 ?        00:00:00 [kworker/0:1]

`;

test('keeps the rows of the given pids, with the command and its spaces in the last column', () => {
  assert.deepEqual(parsePsOutput(PS_EF, new Set([16464, 16465, 99]), 'c'), {
    titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
    processes: [
      ['root', '16464', '16463', '0', '17:18', '?', '00:00:00', 'sh -c sleep 1000 & sleep 2000 & wait'],
      ['root', '16465', '16464', '0', '17:18', '?', '00:00:00', 'sleep 1000'],
    ],
  });
  assert.deepEqual(parsePsOutput('  PID RSS COMMAND\n    1 9768 /sbin/init\n', new Set([2]), 'c'), { titles: ['PID', 'RSS', 'COMMAND'], processes: [] });
});

test('without a PID column the rows cannot be told apart: an error naming the titles', () => {
  assert.throws(() => parsePsOutput('  RSS\n 9768\n', new Set([1]), 'container web (abc)'),
    /top container web \(abc\): the ps output has no PID column \(titles: RSS\); add -o pid/);
});
