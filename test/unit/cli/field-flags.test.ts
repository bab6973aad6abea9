// The agent's validation errors name spec fields; run/create/update say them with the flags typed.
// Checked through the real validator: the fields it names are the ones the table knows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs } from '../../../agent/cli/args.js';
import { flagOf, withFlagNames } from '../../../agent/cli/field-flags.js';
import { RUN_FLAGS, specFromFlags } from '../../../agent/cli/run-flags.js';
import { BerthError } from '../../../agent/errors.js';
import { resolveSpec, validateSpec } from '../../../agent/runtime/index.js';

/** What `berth run ARGV` prints when the agent refuses the spec (validated and resolved as the agent does, on the host's /). */
async function agentSays(argv: string[]): Promise<string> {
  const p = parseArgs(['--rootfs', '/', ...argv, '--', 'true'], { command: 'berth run', flags: RUN_FLAGS, interspersed: false });
  try {
    await resolveSpec(validateSpec(specFromFlags(p, 'berth run', {}, '/work'), { hostCpus: 2 }), { hostCpus: 2 });
  } catch (err) {
    assert.ok(err instanceof BerthError && err.code === 'INVALID_SPEC', String(err));
    return (withFlagNames(err, p) as Error).message;
  }
  throw new Error(`${argv.join(' ')}: the validator took it`);
}

test('a validation error about a field a flag set names the flag and the value given', async () => {
  assert.equal(await agentSays(['--cpus', '99']), '--cpus: must be between 0.01 and 2 (the host\'s CPUs), got 99');
  assert.match(await agentSays(['--add-host', 'db:10.0.0.5', '--add-host', 'bad']), /^--add-host "bad": must be NAME:IP/);
  assert.match(await agentSays(['--sysctl', 'net.ipv4.ip_forward=1', '--sysctl', 'kernel.foo=1']), /^--sysctl "kernel.foo=1": not allowed/);
  assert.match(await agentSays(['--ulimit', 'nofile=10:20', '--ulimit', 'bogus=1']), /^--ulimit "bogus=1" \(name\): unknown ulimit "bogus"/);
  assert.match(await agentSays(['--cap-add', 'NOPE']), /^--cap-add: unknown capability "NOPE"/);
  assert.match(await agentSays(['--stop-signal', 'SIGFOO']), /^--stop-signal: unknown signal "SIGFOO"/);
  assert.match(await agentSays(['--restart', 'always', '--rm']), /^--restart: "always" conflicts with autoRemove/);
  assert.match(await agentSays(['-v', '/nonexistent-berth-test:/b']), /^-v "\/nonexistent-berth-test:\/b" \(source\): \/nonexistent-berth-test does not exist on the host/);
  // Mounts come from three flags, in the order -v, --tmpfs, --mount: the error names the one at fault.
  assert.match(await agentSays(['-v', '/tmp:/b', '--mount', 'type=tmpfs,target=/m', '--tmpfs', '/x:size=abc']), /^--tmpfs "\/x:size=abc" \(options\[0\]\): bad value/);
});

test('fields no flag sets, and other errors, keep the agent\'s words', () => {
  const p = parseArgs(['--rootfs', '/r'], { command: 'berth run', flags: RUN_FLAGS, interspersed: false });
  const own = new BerthError('INVALID_SPEC', 'consoleSize: only with tty: a size is a terminal\'s', { field: 'consoleSize' });
  assert.equal(withFlagNames(own, p), own);
  const notSpec = new BerthError('NOT_FOUND', 'no such container: x', { field: 'id' });
  assert.equal(withFlagNames(notSpec, p), notSpec);
  assert.equal(flagOf('restartPolicy.maxRetries', p), '--restart');
  assert.equal(flagOf('healthcheck.intervalSeconds', p), '--health-interval');
  assert.equal(flagOf('labels["tier"]', parseArgs(['-l', 'tier=a b'], { command: 'c', flags: RUN_FLAGS })), '--label "tier=a b"');
});
