import { startHarness, run } from '/work/main/test/integration/runtime/harness.js';
const h = await startHarness();
try {
  const r = await run(h.runtime, { rootfs: h.rootfs, cmd: ['sh', '-c', process.argv[2]!] });
  console.log(JSON.stringify(r.exit), '\nSTDOUT:', r.stdout, '\nSTDERR:', r.stderr);
} finally { await h.cleanup(); }
