import { startHarness, SHIM_PATH } from './harness.js';
import { validateSpec } from '../../../agent/runtime/spec.js';
import { resolveSpec } from '../../../agent/runtime/resolve.js';
import { buildLaunchPlan } from '../../../agent/runtime/plan.js';
import { toCgroupResources } from '../../../agent/runtime/resources.js';
import { onlySet } from '../../../agent/runtime/create.js';
import { encodeLaunchPlan } from '../../../agent/runtime/plan-format.js';
import { spawnCreateShim } from '../../../agent/runtime/shim.js';
import { ContainerStore } from '../../../agent/runtime/store.js';
import { newContainerId } from '../../../agent/runtime/ids.js';
import pino from 'pino';
const h = await startHarness();
try {
  const store = new ContainerStore(h.stateDir);
  for (let i = 0; i < 4; i++) {
    const T: Record<string, number> = {}; let t0 = performance.now();
    const lap = (k: string) => { T[k] = +(performance.now() - t0).toFixed(1); t0 = performance.now(); };
    const spec = validateSpec({ rootfs: h.rootfs, cmd: ['true'] }); lap('validate');
    const id = newContainerId();
    const resolved = await resolveSpec({ ...spec, name: 'x' + i }, { hostCpus: 2 }); lap('resolve');
    const dir = await store.createDir(id); lap('mkdir');
    const plan = buildLaunchPlan(resolved, { id, stateDir: dir, cgroupProcs: h.cgroups.procsFiles(id), cgroupVersion: h.cgroups.version }); lap('plan');
    await store.writeJson(id, 'state.json', { a: 1 }); lap('write1');
    await store.writeJson(id, 'spec.json', { a: 1 }); lap('write2');
    await h.cgroups.create(id, onlySet(toCgroupResources(resolved))); lap('cgcreate');
    const buf = encodeLaunchPlan(plan); lap('encode');
    const r = await spawnCreateShim(SHIM_PATH, buf, 'x', pino({ level: 'silent' })); lap('shim');
    process.kill(r.initPid, 'SIGKILL');
    await h.cgroups.killAll(id); lap('killAll');
    await h.cgroups.destroy(id); lap('destroy');
    await store.removeDir(id); lap('rmdir');
    console.log(JSON.stringify(T));
  }
} finally { await h.cleanup(); }
