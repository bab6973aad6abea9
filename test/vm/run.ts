// `node --import tsx test/vm/run.ts <test files…>`: runs test files of the project inside the pure
// cgroup v2 VM (qemu.ts) and prints their TAP output; exits with their status. For trying a file
// on v2 by hand; npm test runs pure-v2-vm.test.ts, which does the same for a fixed list.
import { resolve } from 'node:path';
import { runTestsInVm } from './qemu.js';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node --import tsx test/vm/run.ts <test file, relative to the project>…');
  process.exit(2);
}
const run = await runTestsInVm(resolve(import.meta.dirname, '../..'), files, { timeoutMs: 60 * 60_000 });
process.stdout.write(run.output);
if (run.status === undefined) process.stdout.write(`--- the guest stopped before its tests ended; console: ---\n${run.console.slice(-8000)}\n`);
process.exit(run.status ?? 1);
