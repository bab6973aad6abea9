// `berth-shim spawner` driven directly: framed requests on fd 3 (whole, batched, split at any
// byte), status lines back on fd 3 prefixed with the id, errors attributed to their request,
// a broken channel reported as `*`, exit 0 at EOF while the launched monitors live on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { encodeLaunchPlan } from '../../../agent/runtime/plan-format.js';
import type { LaunchPlan } from '../../../agent/runtime/plan-types.js';
import { busyboxAvailable, busyboxRootfs } from '../../helpers/rootfs.js';
import { waitFor } from '../../helpers/wait.js';
import { buildShim, dockerLikePlan, isRoot, pidAlive, Scratch, Spawner, startContainer, stdoutText, TestCgroup, waitExit } from './harness.js';

const skip = !isRoot() || !busyboxAvailable() ? 'needs root and busybox-static' : false;
let scratch: Scratch;
let cgroup: TestCgroup;

before(() => { if (skip) return; buildShim(); scratch = new Scratch(); cgroup = new TestCgroup(); });
after(async () => {
  for (const s of Spawner.started) s.kill('SIGKILL');
  await scratch?.cleanup();
  await cgroup?.remove();
});

function plan(id: string, args: string[]): LaunchPlan {
  return { ...dockerLikePlan(busyboxRootfs(), scratch.stateDir(id), args, [cgroup.procsFile]), id };
}

test('batched and byte-split requests each report shim, init, created under their own id', { skip }, async () => {
  const s = new Spawner();
  const plans = Array.from({ length: 30 }, (_, i) => plan(`batch${i}`, ['sh', '-c', `echo hello ${i}`]));
  s.channel.write(Buffer.concat(plans.map((p) => Spawner.frame(encodeLaunchPlan(p))))); // 30 requests, one write
  const split = plan('split', ['sh', '-c', 'echo split']);
  const bytes = Spawner.frame(encodeLaunchPlan(split));
  for (const cut of [[0, 1], [1, 3], [3, 7], [7, bytes.length]]) s.channel.write(bytes.subarray(cut[0], cut[1]));
  for (const p of [...plans, split]) {
    const lines = await s.outcome(p.id);
    assert.equal(lines.length, 3, `${p.id}: ${lines.join(' | ')}`);
    assert.match(lines[0]!, /^shim \d+$/);
    assert.match(lines[1]!, /^init \d+$/);
    assert.equal(lines[2], 'created');
    const shimPid = Number(lines[0]!.split(' ')[1]);
    assert.equal(Number(readFileSync(`${p.stateDir}/shim.pid`, 'utf8')), shimPid);
    const ppid = Number(readFileSync(`/proc/${shimPid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    assert.notEqual(ppid, s.child.pid, 'the monitor is a child of the spawner');
  }
  // Every line is one whole status line of one launch: nothing interleaved.
  assert.deepEqual(s.lines.filter((l) => !/^(batch\d+|split) (shim \d+|init \d+|created)$/.test(l)), []);
  for (const [i, p] of plans.entries()) {
    startContainer(p.startFifo);
    assert.equal((await waitExit(p)).exitCode, 0);
    assert.equal(stdoutText(p), `hello ${i}\n`);
  }
  startContainer(split.startFifo);
  assert.equal((await waitExit(split)).exitCode, 0);
  assert.equal(stdoutText(split), 'split\n');
  s.channel.end();
  assert.equal(await s.exited, 0);
});

test('bad requests fail alone, attributed to their id (or `-` without one); the spawner carries on', { skip }, async () => {
  const s = new Spawner();
  const good = plan('good', ['true']);
  const notFound = plan('nocmd', ['/no/such/command']);
  const badRecord = Buffer.from('BERTHPLAN\u00001\u0000id\u00001\u0000broken\u0000bogus\u00000\u0000end\u00000\u0000');
  const badId = encodeLaunchPlan({ ...plan('spaced', ['true']), id: 'a b' });
  s.channel.write(Buffer.concat([Spawner.frame(Buffer.from('hello')), Spawner.frame(badRecord), Spawner.frame(Buffer.alloc(0)),
    Spawner.frame(badId), Spawner.frame(encodeLaunchPlan(notFound)), Spawner.frame(encodeLaunchPlan(good))]));
  assert.deepEqual(await s.outcome('broken'), ['error plan 22 plan record #2: unknown kind "bogus" in a launch plan']);
  const nocmd = await s.outcome('nocmd');
  assert.match(nocmd.at(-1)!, /^error exec 2 execvp \/no\/such\/command: No such file or directory$/);
  assert.equal((await s.outcome('good')).at(-1), 'created');
  const anonymous = s.of('-');
  assert.equal(anonymous.length, 3, anonymous.join(' | '));
  assert.match(anonymous[0]!, /^error plan 22 plan: missing the BERTHPLAN magic$/);
  assert.match(anonymous[1]!, /^error plan 22 plan: missing the BERTHPLAN magic$/);
  assert.match(anonymous[2]!, /^error plan 22 plan record id: "a b" is not a status-line id/);
  startContainer(good.startFifo);
  assert.equal((await waitExit(good)).exitCode, 0);
  s.channel.end();
  assert.equal(await s.exited, 0);
});

test('a request over the plan limit or of an unknown type breaks the channel: `*` error line, exit 1', { skip }, async () => {
  const s = new Spawner();
  s.channel.write(Buffer.from([0x4c, 0xff, 0xff, 0xff, 0xff]));
  assert.equal(await s.exited, 1);
  await waitFor('the channel error line', () => s.of('*').length > 0);
  assert.deepEqual(s.of('*'), ['error spawner 27 read request on fd 3: 4294967295 bytes, over the 16777216-byte plan limit: File too large']);
  const t = new Spawner();
  t.channel.write(Buffer.from([0x3f, 0, 0, 0, 0]));
  assert.equal(await t.exited, 1);
  await waitFor('the channel error line', () => t.of('*').length > 0);
  assert.deepEqual(t.of('*'), ['error spawner 71 read request on fd 3: type byte 0x3f is neither L nor X: Protocol error']);
});

test('an exec request with a bad plan gets its error and `exit 125`; a launch plan is not an exec plan', { skip }, async () => {
  const s = new Spawner();
  const launchPlan = encodeLaunchPlan(plan('as-exec', ['true']));
  s.channel.write(Spawner.frame(launchPlan, 'X'));
  assert.deepEqual(await s.execEnd('as-exec'), ['error plan 22 plan record #2: unknown kind "state_dir" in an exec plan', 'exit 125']);
  s.channel.end();
  assert.equal(await s.exited, 0);
});

test('at EOF the spawner exits 0, also mid-request; a launched container lives on', { skip }, async () => {
  const s = new Spawner();
  const live = plan('live', ['sleep', '300']);
  s.channel.write(Spawner.frame(encodeLaunchPlan(live)));
  assert.equal((await s.outcome('live')).at(-1), 'created');
  const shimPid = Number(s.of('live')[0]!.split(' ')[1]);
  s.channel.end(Spawner.frame(encodeLaunchPlan(plan('partial', ['true']))).subarray(0, 10));
  assert.equal(await s.exited, 0);
  assert.ok(pidAlive(shimPid), 'the monitor died with the spawner');
  startContainer(live.startFifo);
  const init = Number(readFileSync(`${live.stateDir}/init.pid`, 'utf8'));
  await waitFor('the container to run sleep', () => readFileSync(`/proc/${init}/cmdline`, 'utf8').startsWith('sleep'));
  process.kill(init, 'SIGKILL');
  assert.equal((await waitExit(live)).exitCode, 137);
  assert.deepEqual(s.of('partial'), []);
});
