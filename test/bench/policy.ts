// Policy cost: admission latency with 100 rules (goal p99 < 1 ms) and one runtime tick of 20
// rules over 1000 container samples (goal < 20 ms), each with a reference run in the same
// process: the same checks written as plain JS closures (the floor CEL is compared to).
// Run: node --import tsx test/bench/policy.ts
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { createCelEnv } from '../../agent/policy/cel.js';
import { evaluateAdmission } from '../../agent/policy/admission.js';
import { parsePolicyText } from '../../agent/policy/load.js';
import { AlertTable } from '../../agent/policy/runtime.js';
import { evaluateRuntimeTick, type RuntimeInput } from '../../agent/policy/runtime-eval.js';
import type { PolicySet } from '../../agent/policy/schema.js';
import { resolveSpec, validateSpec, type ResolvedSpec } from '../../agent/runtime/index.js';
import { fakeSample, fakeStats } from '../helpers/samples.js';

const ROOTFS = resolve(import.meta.dirname, '../../rules/tests/rootfs');
const cel = createCelEnv();

const ADMISSION_EXPRESSIONS = [
  'container.resources.memoryBytes > 0',
  '!container.privileged',
  'container.namespaces.net == "private"',
  'container.seccomp != "unconfined"',
  'container.capabilities.all(c, c in ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_MKNOD", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID", "CAP_SYS_CHROOT", "CAP_AUDIT_WRITE"])',
  'container.mounts.all(m, m.type != "bind" || !m.source.startsWith("/etc"))',
  'container.user.uid != 0 || container.namespaces.user == "private"',
  '"owner" in container.labels || container.name.startsWith("tmp-")',
  'container.resources.cpus <= 4.0',
  'size(container.env) < 100',
];
const JS_CHECKS: Array<(c: ResolvedSpec) => boolean> = [
  (c) => c.resources.memoryBytes > 0, (c) => !c.privileged, (c) => c.namespaces.net === 'private', (c) => c.seccomp !== 'unconfined',
  (c) => c.capabilities.every((x) => ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_MKNOD', 'CAP_NET_BIND_SERVICE', 'CAP_NET_RAW', 'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID', 'CAP_SYS_CHROOT', 'CAP_AUDIT_WRITE'].includes(x)),
  (c) => c.mounts.every((m) => m.type !== 'bind' || !(m.source ?? '').startsWith('/etc')),
  (c) => c.user.uid !== 0 || c.namespaces.user === 'private', (c) => 'owner' in c.labels || c.name.startsWith('tmp-'),
  (c) => c.resources.cpus <= 4, (c) => c.env.length < 100,
];

const RUNTIME_CONDITIONS = [
  'sample.memory.workingSetBytes > 0.9 * container.resources.memoryBytes',
  'sample.memory.limitBytes > 0 && sample.memory.workingSetBytes / sample.memory.limitBytes > 0.8',
  'sample.cpu.cores > 1.5',
  'sample.cpu.quotaCores > 0 && sample.cpu.throttledRatio > 0.5',
  'sample.pids.limit > 0 && sample.pids.current > 0.9 * sample.pids.limit',
  'sample.oomKills >= 3',
  'container.labels["tier"] == "batch" && sample.cpu.cores > 0.5',
  'sample.processes > 100',
  'sample.io.writeBytes > 1073741824.0',
  'sample.network.rxBytes + sample.network.txBytes > 10000000000.0',
];

function policySet(policies: number, rulesEach: number, kind: 'admission' | 'runtime'): PolicySet {
  const docs: string[] = [];
  for (let p = 0; p < policies; p++) {
    const rules: string[] = [];
    for (let r = 0; r < rulesEach; r++) {
      const i = (p * rulesEach + r);
      rules.push(kind === 'admission'
        ? `    - name: r${r}\n      expression: '${ADMISSION_EXPRESSIONS[i % ADMISSION_EXPRESSIONS.length]}'\n      enforcement: audit`
        : `    - name: r${r}\n      condition: '${RUNTIME_CONDITIONS[i % RUNTIME_CONDITIONS.length]}'\n      for: 5s`);
    }
    docs.push(`apiVersion: berth.dev/v1\nkind: Policy\nmetadata: { name: p${p} }\nspec:\n  ${kind}:\n${rules.join('\n')}\n`);
  }
  const parsed = parsePolicyText(docs.join('---\n'), 'bench.yaml', cel);
  if (parsed.issues.length) throw new Error(JSON.stringify(parsed.issues));
  return { policies: parsed.policies, exceptions: [], files: ['bench.yaml'], loadedAt: 0, warnings: [] };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function timeEach(n: number, fn: (i: number) => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    fn(i);
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out.sort((a, b) => a - b);
}

async function admissionBench(): Promise<void> {
  const hostCpus = availableParallelism();
  const spec = await resolveSpec(validateSpec({ rootfs: ROOTFS, cmd: ['/bin/sh'], labels: { owner: 'x' }, resources: { memoryBytes: 64 << 20 } }, { hostCpus }), { hostCpus });
  const set = policySet(10, 10, 'admission');
  for (let i = 0; i < 500; i++) evaluateAdmission(set, cel, spec, 0); // warm up the JIT
  const cel100 = timeEach(5000, () => evaluateAdmission(set, cel, spec, 0));
  const js100 = timeEach(5000, () => { for (let i = 0; i < 100; i++) JS_CHECKS[i % JS_CHECKS.length](spec); });
  console.log('admission, 100 rules, 5000 specs (ms per spec)');
  console.log(`  CEL   p50 ${percentile(cel100, 50).toFixed(4)}  p99 ${percentile(cel100, 99).toFixed(4)}  max ${cel100.at(-1)!.toFixed(3)}   goal p99 < 1 ms: ${percentile(cel100, 99) < 1 ? 'met' : 'MISSED'}`);
  console.log(`  JS    p50 ${percentile(js100, 50).toFixed(4)}  p99 ${percentile(js100, 99).toFixed(4)}   (reference: the same checks as closures)`);
  console.log(`  ratio p50 ${(percentile(cel100, 50) / percentile(js100, 50)).toFixed(1)}x`);
}

async function runtimeBench(): Promise<void> {
  const hostCpus = availableParallelism();
  const spec = await resolveSpec(validateSpec({ rootfs: ROOTFS, cmd: ['/bin/sh'], labels: { tier: 'batch' }, resources: { memoryBytes: 256 << 20 } }, { hostCpus }), { hostCpus });
  const set = policySet(2, 10, 'runtime');
  const containerValue = cel.container(spec);
  const samples = Array.from({ length: 1000 }, (_, i) => fakeSample(i.toString(16).padStart(64, '0'), 0, {
    stats: fakeStats({ memoryBytes: (i % 300) << 20, limitBytes: 256 << 20, pids: i % 50 }), cpu: { cores: (i % 20) / 10, percent: 0, throttledRatio: 0.1 },
  }));
  const table = new AlertTable();
  const tick = (t: number) => {
    const inputs: RuntimeInput[] = samples.map((s) => ({ id: s.id, name: s.name, spec, sample: cel.sample(s), time: t }));
    return evaluateRuntimeTick({ set, cel, table, containerValue: () => containerValue, now: t }, inputs);
  };
  for (let i = 0; i < 5; i++) tick(i * 1000);
  const celTicks = timeEach(100, (i) => tick((i + 5) * 1000));
  if (process.env.BENCH_VERBOSE) console.log(celTicks.map((x) => x.toFixed(1)).join(" "));
  let sink = 0; // consumed below so the JIT cannot drop the reference work
  const jsTicks = timeEach(100, () => {
    for (const s of samples) {
      const m = s.stats.memory;
      for (let r = 0; r < 2; r++) {
        sink += Number(m.workingSetBytes > 0.9 * spec.resources.memoryBytes) + Number(m.limitBytes > 0 && m.workingSetBytes / m.limitBytes > 0.8)
          + Number(s.cpu.cores > 1.5) + Number(s.cpu.throttledRatio > 0.5) + Number(s.stats.pids.limit > 0 && s.stats.pids.current > 0.9 * s.stats.pids.limit)
          + Number(m.oomKills >= 3) + Number(spec.labels.tier === 'batch' && s.cpu.cores > 0.5) + Number(s.processes > 100)
          + Number(s.stats.io.writeBytes > 1073741824) + Number(s.network.length > 1e10);
      }
    }
  });
  if (sink < 0) console.log(sink);
  const result = tick(99_000);
  console.log('runtime, 20 rules x 1000 containers per tick (ms per tick, 100 ticks)');
  console.log(`  CEL   p50 ${percentile(celTicks, 50).toFixed(2)}  p99 ${percentile(celTicks, 99).toFixed(2)}   goal < 20 ms: ${percentile(celTicks, 99) < 20 ? 'met' : 'MISSED'}   (${result.counts.reduce((n, c) => n + c.evaluations, 0)} evaluations per tick, incl. sample conversion and state machine)`);
  console.log(`  JS    p50 ${percentile(jsTicks, 50).toFixed(2)}  p99 ${percentile(jsTicks, 99).toFixed(2)}   (reference: the conditions as inline JS, no state machine)`);
  console.log(`  ratio p50 ${(percentile(celTicks, 50) / Math.max(percentile(jsTicks, 50), 0.001)).toFixed(0)}x`);
}

console.log(`berth policy bench — node ${process.version}, ${availableParallelism()} cpus`);
await admissionBench();
await runtimeBench();
