// A state directory's disk filled up by a container's own log, the usual way a disk fills: exits
// are still recorded (the shim's and the agent's), also across an agent crash; the log stays
// readable record by record; a launch on the full disk fails cleanly. The state dir is a 1 MiB
// tmpfs of the test's own (unmounted by agent.stop()).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { busyboxRootfs } from '../../helpers/rootfs.js';
import { START_TIMEOUT_MS, TestAgent } from '../../helpers/agent.js';
import { ensureShim } from './harness.js';

const CRI_RECORD = /^\S+Z (stdout|stderr) [FP] /;

test('a log that fills the disk: exit codes kept (shim and agent, across an agent crash), log readable, a launch on the full disk fails cleanly',
  { timeout: 40_000 + 2 * START_TIMEOUT_MS }, async (t) => { // two agent starts: slower in the emulated VM
    ensureShim();
    const agent = new TestAgent();
    t.after(() => agent.stop());
    mkdirSync(agent.stateDir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0711', 'berth-test-full', agent.stateDir]);
    await agent.start();
    const rootfs = busyboxRootfs();
    const run = async (name: string, cmd: string[]) => {
      const r = await agent.api('POST', '/v1/containers', { name, rootfs, cmd, start: true });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return (await agent.api('GET', `/v1/containers/${r.body.id}`)).body as { id: string; stateDir: string };
    };
    const sleeper = await run('sleeper', ['sleep', '300']);
    const reserve = join(sleeper.stateDir, 'exit.json.reserve');
    assert.equal(statSync(reserve).size, 512, 'each launch sets space aside for its exit file');
    // 4 MB of 21-byte lines into a 1 MiB disk, then exit 7.
    const filler = await run('filler', ['sh', '-c', 'yes 01234567890abcdefghi | head -c 4000000; exit 7']);
    assert.equal((await agent.api('POST', `/v1/containers/${filler.id}/wait`)).body.exitCode, 7);
    const { bavail, bsize } = statfsSync(agent.stateDir);
    assert.ok(bavail * bsize < 8192, `the disk is full (${bavail * bsize} bytes free)`);

    // The agent records the end of a container whose shim died, on the full disk too.
    process.kill(Number(readFileSync(join(sleeper.stateDir, 'shim.pid'), 'utf8')), 'SIGKILL');
    assert.equal((await agent.api('POST', `/v1/containers/${sleeper.id}/wait`)).body.exitCode, 255);
    assert.ok(!existsSync(reserve), 'written into the reserve and renamed');

    // Every record is whole: the one the disk cut short was cut off again.
    const log = readFileSync(join(filler.stateDir, 'container.log'), 'utf8');
    assert.ok(log.endsWith('\n'), `the log ends with a whole record: …${JSON.stringify(log.slice(-60))}`);
    const lines = log.slice(0, -1).split('\n');
    assert.deepEqual(lines.filter((l) => !CRI_RECORD.test(l) || !l.endsWith('01234567890abcdefghi')), [], 'only whole records');
    assert.ok(lines.length > 10_000, `${lines.length} records`);
    const tail = await agent.cli(['logs', '--tail', '2', 'filler']);
    assert.equal(tail.stdout, '01234567890abcdefghi\n01234567890abcdefghi\n');

    // state.json could not say so: the exit files do, and recovery reads them.
    await agent.restart();
    for (const [c, code] of [[filler, 7], [sleeper, 255]] as const) {
      const info = (await agent.api('GET', `/v1/containers/${c.id}`)).body;
      assert.equal(info.status, 'exited', `${c.id}: ${JSON.stringify(info)}`);
      assert.equal(info.exit.exitCode, code);
    }

    const refused = await agent.api('POST', '/v1/containers', { name: 'no-room', rootfs, cmd: ['true'], start: true });
    assert.ok(refused.status >= 400, JSON.stringify(refused.body));
    assert.match(refused.body.error.message, /ENOSPC|no space left/);
    assert.deepEqual(readdirSync(join(agent.stateDir, 'containers')).sort(), [filler.id, sleeper.id].sort(), 'no state of the failed launch');
    const leftovers = agent.leftoverCgroups().filter((d) => !d.includes(filler.id) && !d.includes(sleeper.id));
    assert.deepEqual(leftovers, [], 'no cgroup of the failed launch');

    // Room again: the next launch works and sets its space aside again.
    assert.equal((await agent.api('DELETE', `/v1/containers/${filler.id}`)).status, 204);
    const again = await agent.api('POST', `/v1/containers/${sleeper.id}/start`);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(existsSync(reserve) && statSync(reserve).size, 512, 'the new run\'s reserve');
  });
