import { startHarness } from './harness.js';
const h = await startHarness();
try {
  for (let i = 0; i < 5; i++) {
    const c = await h.runtime.create({ rootfs: h.rootfs, cmd: ['true'] });
    await h.runtime.start(c.id); await h.runtime.wait(c.id);
    const T: Record<string, number> = {}; let t0 = performance.now();
    const lap = (k: string) => { T[k] = +(performance.now() - t0).toFixed(1); t0 = performance.now(); };
    await h.cgroups.list(); lap('list');
    await h.cgroups.thaw(c.id); lap('thaw');
    await h.cgroups.killAll(c.id); lap('killAll');
    await h.cgroups.destroy(c.id); lap('destroy');
    await h.runtime.remove(c.id); lap('remove-rest');
    console.log(JSON.stringify(T));
  }
} finally { await h.cleanup(); }
