import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, type FlagDef } from '../../../agent/cli/args.js';
import { parseGlobal } from '../../../agent/cli/index.js';

const FLAGS: FlagDef[] = [
  { name: 'detach', short: 'd', kind: 'bool', help: '' },
  { name: 'tty', short: 't', kind: 'bool', help: '' },
  { name: 'memory', short: 'm', kind: 'string', help: '' },
  { name: 'env', short: 'e', kind: 'list', help: '' },
  { name: 'name', kind: 'string', help: '' },
];
const parse = (argv: string[], interspersed = true) => parseArgs(argv, { command: 'berth x', flags: FLAGS, interspersed });

test('long flags with space and =, short flags attached, with = and separate', () => {
  for (const argv of [['--memory', '64m'], ['--memory=64m'], ['-m', '64m'], ['-m64m'], ['-m=64m']]) {
    assert.equal(parse(argv).str('memory'), '64m', argv.join(' '));
  }
});

test('combined short booleans, a value flag ending the group, repeated list flags', () => {
  const p = parse(['-dt', '-e', 'A=1', '--env=B=2', '-eC=3', '-dm', '1g']);
  assert.equal(p.bool('detach'), true);
  assert.equal(p.bool('tty'), true);
  assert.deepEqual(p.list('env'), ['A=1', 'B=2', 'C=3']);
  assert.equal(p.str('memory'), '1g');
});

test('booleans take =true/=false; other values are an error naming the flag', () => {
  assert.equal(parse(['--detach=false']).bool('detach'), false);
  assert.equal(parse(['-d=true']).bool('detach'), true);
  assert.throws(() => parse(['--detach=yes']), /invalid argument "yes" for "--detach"/);
});

test('-- ends flags; values that look like flags are taken by value flags', () => {
  const p = parse(['--name', '-x', '--', '-d', '--memory']);
  assert.equal(p.str('name'), '-x');
  assert.deepEqual(p.args, ['-d', '--memory']);
  assert.equal(p.bool('detach'), false);
});

test('interspersed: flags after positionals still parse; non-interspersed: they belong to the command', () => {
  const mixed = parse(['a', '-d', 'b']);
  assert.deepEqual(mixed.args, ['a', 'b']);
  assert.equal(mixed.bool('detach'), true);
  const cmd = parse(['-d', 'sh', '-c', 'echo -d'], false);
  assert.deepEqual(cmd.args, ['sh', '-c', 'echo -d']);
  assert.equal(cmd.bool('detach'), true);
});

test('errors name the flag: unknown long, unknown short, missing value', () => {
  assert.throws(() => parse(['--nope']), (e: any) => e.code === 'INVALID_REQUEST' && /unknown flag: --nope/.test(e.message) && e.details.flag === '--nope');
  assert.throws(() => parse(['-dx']), /unknown shorthand flag: 'x' in -dx/);
  assert.throws(() => parse(['--memory']), /flag needs an argument: --memory/);
  assert.throws(() => parse(['-m']), /flag needs an argument: -m/);
  assert.throws(() => parse(['--nope']), /See 'berth x --help'/);
});

test('global flags come before the verb', () => {
  assert.deepEqual(parseGlobal(['--host', '/s.sock', 'ps', '-a']), { host: '/s.sock', help: false, version: false, verb: 'ps', rest: ['-a'] });
  assert.equal(parseGlobal(['-H=x', 'ps']).host, 'x');
  assert.equal(parseGlobal(['--host=tcp://h:1', 'ps']).host, 'tcp://h:1');
  assert.equal(parseGlobal(['--help']).help, true);
  assert.throws(() => parseGlobal(['--bogus', 'ps']), /unknown flag: --bogus/);
  assert.throws(() => parseGlobal(['--host']), /flag needs an argument: --host/);
});

test('a docker flag berth does not have on purpose says why, long or short', () => {
  const opts = { command: 'berth run', flags: FLAGS, unsupported: { '--publish': 'no bridge', '-p': 'no bridge' } };
  assert.throws(() => parseArgs(['--publish', '80:80'], opts), { message: /^berth run: unknown flag: --publish \(no bridge\)\n/ });
  assert.throws(() => parseArgs(['-dp', '80:80'], opts), { message: /^berth run: unknown shorthand flag: 'p' in -dp \(no bridge\)\n/ });
  assert.throws(() => parseArgs(['--nope'], opts), { message: /^berth run: unknown flag: --nope\n/ }, 'others as before');
});
