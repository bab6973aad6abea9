// Reading a big log: a container writes LINES lines (default 3 000 000, ~240 MB of CRI log) through
// a real agent; then GET …/logs?tail=10 and whole reads as text (a line per record), as raw (the
// multiplexed bytes as written, what the CLI asks for) and `berth logs` itself (the CLI to its
// stdout, a file), each timed to its last byte, with the agent's peak memory (VmHWM) after each.
// References in the same run: coreutils `tail -n 10` and `cat` of the same file (the floor: no
// parsing, no HTTP).
// Run: node --import tsx test/bench/logs.ts   (root)
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ROOT, startAgent, type TestAgent } from '../helpers/agent.js';
import { busyboxRootfs } from '../helpers/rootfs.js';
import { ensureShim } from '../integration/runtime/harness.js';

const LINES = Number(process.env.LINES ?? 3_000_000);

/** Bytes of the response body and the ms until its last byte. */
function readAll(agent: TestAgent, path: string): Promise<{ bytes: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: agent.socket, path }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => { bytes += d.length; });
      res.on('end', () => resolve({ bytes, ms: performance.now() - t0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

function peakMiB(pid: number): number {
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

function timed(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${cmd} exited ${r.status}`);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  ensureShim();
  const agent = await startAgent();
  try {
    const writer = `yes "a log line of a typical length, some forty bytes" | head -n ${LINES}`;
    const writeStart = performance.now();
    const created = await agent.api('POST', '/v1/containers', { rootfs: busyboxRootfs(), cmd: ['sh', '-c', writer], start: true });
    if (created.status !== 201) throw new Error(`create: ${JSON.stringify(created.body)}`);
    const { id } = created.body;
    await agent.api('POST', `/v1/containers/${id}/wait`);
    const writeMs = performance.now() - writeStart;
    const writeRef = timed('sh', ['-c', `${writer} > /dev/null`]);
    const { files } = JSON.parse(readFileSync(`${agent.stateDir}/containers/${id}/state.json`, 'utf8'));
    const logMiB = statSync(files.log).size / 2 ** 20;
    const pid = agent.proc!.pid!;
    const before = peakMiB(pid);
    const tail = await readAll(agent, `/v1/containers/${id}/logs?tail=10`);
    const afterTail = peakMiB(pid);
    const whole = await readAll(agent, `/v1/containers/${id}/logs`);
    const afterWhole = peakMiB(pid);
    const raw = await readAll(agent, `/v1/containers/${id}/logs?format=raw`);
    const afterRaw = peakMiB(pid);
    const cli = timed('sh', ['-c', `"$0" --import tsx "$1" --host "$2" logs "$3" > /dev/null`, process.execPath, join(ROOT, 'agent/main.ts'), agent.socket, id]);
    const tailRef = timed('tail', ['-n', '10', files.log]);
    const catRef = timed('cat', [files.log]);
    console.log(`log: ${LINES} lines, ${logMiB.toFixed(0)} MiB of CRI records; agent peak memory before reading: ${before.toFixed(0)} MiB`);
    console.log(`written: the container's run through its shim into the log, create to exit, ${writeMs.toFixed(0)} ms `
      + `(${(LINES / (writeMs / 1000) / 1000).toFixed(0)}k lines/s); the same command into /dev/null ${writeRef.toFixed(0)} ms`);
    console.table([
      { read: 'tail=10', ms: tail.ms.toFixed(1), 'ref ms': tailRef.toFixed(1), ratio: (tail.ms / tailRef).toFixed(1), 'agent peak MiB': afterTail.toFixed(0) },
      { read: 'whole (text)', ms: whole.ms.toFixed(0), 'ref ms': catRef.toFixed(0), ratio: (whole.ms / catRef).toFixed(1),
        'agent peak MiB': afterWhole.toFixed(0), 'MB/s': (whole.bytes / 1e6 / (whole.ms / 1000)).toFixed(0) },
      { read: 'whole (raw)', ms: raw.ms.toFixed(0), 'ref ms': catRef.toFixed(0), ratio: (raw.ms / catRef).toFixed(1),
        'agent peak MiB': afterRaw.toFixed(0), 'MB/s': (raw.bytes / 1e6 / (raw.ms / 1000)).toFixed(0) },
      { read: 'berth logs (CLI)', ms: cli.toFixed(0), 'ref ms': catRef.toFixed(0), ratio: (cli / catRef).toFixed(1),
        'agent peak MiB': peakMiB(pid).toFixed(0), 'MB/s': (raw.bytes / 1e6 / (cli / 1000)).toFixed(0) },
    ]);
    console.log('MB/s: of the response (raw: contents and 8-byte frame headers; the CLI: the same bytes to its stdout).');
    console.log('ref: coreutils tail -n 10 / cat of the log file (no parsing, no HTTP). Peak memory is the agent\'s VmHWM after each read.');
  } finally {
    await agent.stop();
  }
}

await main();
