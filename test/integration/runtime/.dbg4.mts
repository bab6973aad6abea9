import { startHarness } from './harness.js';
const h = await startHarness();
try {
  for (let i = 0; i < 6; i++) {
    let t0 = performance.now();
    const c = await h.runtime.create({ rootfs: h.rootfs, cmd: ['true'] });
    const tc = performance.now() - t0; t0 = performance.now();
    await h.runtime.start(c.id); const ts = performance.now() - t0; t0 = performance.now();
    await h.runtime.wait(c.id); const tw = performance.now() - t0; t0 = performance.now();
    await h.runtime.remove(c.id); const tr = performance.now() - t0;
    console.log(`create ${tc.toFixed(1)} start ${ts.toFixed(1)} wait ${tw.toFixed(1)} remove ${tr.toFixed(1)}`);
  }
} finally { await h.cleanup(); }
