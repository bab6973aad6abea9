// What an idle container costs in shim memory: Pss and private pages of each idle monitor
// (/proc/<pid>/smaps_rollup), for several containers at once. Goal: under 1 MiB each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { busyboxAvailable, busyboxRootfs } from '../../helpers/rootfs.js';
import { waitFor } from '../../helpers/wait.js';
import { buildShim, dockerLikePlan, isRoot, readPid, Scratch, shimCreate, startContainer, stdoutText,
  TestCgroup } from './harness.js';

const skip = !isRoot() || !busyboxAvailable() ? 'needs root and busybox-static' : false;
const N = 5;
let scratch: Scratch;
let cgroup: TestCgroup;

before(() => { if (skip) return; buildShim(); scratch = new Scratch(); cgroup = new TestCgroup(); });
after(async () => { await scratch?.cleanup(); await cgroup?.remove(); });

function rollup(pid: number): Record<string, number> {
  const kb: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+) kB/.exec(line);
    if (m) kb[m[1]] = Number(m[2]);
  }
  return kb;
}

test(`an idle monitor costs under 1 MiB (Pss and private), ${N} containers`, { skip }, async (t) => {
  const shims: number[] = [];
  for (let i = 0; i < N; i++) {
    const p = dockerLikePlan(busyboxRootfs(), scratch.stateDir(`m${i}`), ['sh', '-c', 'echo up; exec sleep 1000'], [cgroup.procsFile]);
    const { lines } = await shimCreate(p);
    assert.equal(lines.at(-1), 'created', lines.join(' | '));
    startContainer(p.startFifo);
    await waitFor('the container to run', () => stdoutText(p) === 'up\n');
    shims.push(readPid(p.stateDir, 'shim.pid')!);
  }
  for (const pid of shims) {
    const kb = rollup(pid);
    const priv = kb.Private_Clean + kb.Private_Dirty;
    t.diagnostic(`shim ${pid}: Rss ${kb.Rss} kB, Pss ${kb.Pss} kB, private ${priv} kB`);
    assert.ok(kb.Pss < 1024, `Pss ${kb.Pss} kB`);
    assert.ok(priv < 1024, `private ${priv} kB`);
  }
});
