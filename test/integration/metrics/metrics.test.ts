// The sampler and /metrics against a real agent, real containers and real cgroups (root).
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { basename, join } from 'node:path';
import { busyboxRootfs } from '../../helpers/rootfs.js';
import { startAgent, type TestAgent } from '../../helpers/agent.js';
import { waitFor } from '../../helpers/wait.js';
import type { ContainerSample } from '../../../agent/sampler/types.js';

const MiB = 1024 * 1024;
let agent: TestAgent;
let rootfs: string;

before(async () => {
  rootfs = busyboxRootfs();
  agent = await startAgent({ sampleInterval: '200ms' });
});
after(async () => { await agent?.stop(); });

async function run(name: string, cmd: string[], resources: Record<string, unknown> = {}, more: Record<string, unknown> = {}): Promise<string> {
  const r = await agent.api('POST', '/v1/containers', { name, rootfs, image: 'busybox:test', cmd, resources, start: true, ...more });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.id as string;
}

async function remove(id: string): Promise<void> {
  await agent.api('DELETE', `/v1/containers/${id}?force=true`);
}

async function scrape(): Promise<string> {
  const r = await agent.http('GET', '/metrics');
  assert.equal(r.status, 200);
  return r.body as string;
}

/** The value of one series of `family` whose labels contain every `want` pair. */
function value(text: string, family: string, want: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${family}{`)) continue;
    if (Object.entries(want).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return undefined;
}

async function history(id: string): Promise<ContainerSample[]> {
  return (await agent.api('GET', `/v1/containers/${id}/stats`)).body.samples;
}

test('a CPU spinner under --cpus 0.5 uses ~0.5 cores (tolerance 0.3..0.6)', async (t) => {
  const id = await run('spin', ['sh', '-c', 'while :; do :; done'], { cpus: 0.5 });
  t.after(() => remove(id));
  // ≥ 3 s of samples: CFS enforces per 100 ms period, so a window of many periods averages out.
  const samples = await waitFor('3 s of samples', async () => {
    const h = await history(id);
    return h.length > 1 && h[h.length - 1].time - h[0].time >= 3000 ? h : undefined;
  }, { timeoutMs: 15_000, intervalMs: 200 });
  const first = samples[0];
  const last = samples[samples.length - 1];
  const cores = (last.stats.cpu.usageNs - first.stats.cpu.usageNs) / ((last.time - first.time) * 1e6);
  assert.ok(cores > 0.3 && cores < 0.6, `cores over ${last.time - first.time} ms: ${cores}`);
  assert.ok(last.cpu.cores > 0.2 && last.cpu.cores < 0.8, `derived cores of the latest sample: ${last.cpu.cores}`);
  // CFS bandwidth control is active (periods advance). Whether periods get throttled depends on
  // the spinner getting its full half core, which a loaded 2-core machine does not guarantee;
  // the derived ratio must match the raw counters either way.
  assert.ok(last.stats.cpu.periods > first.stats.cpu.periods, 'quota periods advance');
  const prev = samples[samples.length - 2];
  const dPeriods = last.stats.cpu.periods - prev.stats.cpu.periods;
  const expectedRatio = dPeriods > 0 ? (last.stats.cpu.throttledPeriods - prev.stats.cpu.throttledPeriods) / dPeriods : 0;
  assert.equal(last.cpu.throttledRatio, expectedRatio);
  const text = await scrape();
  assert.equal(value(text, 'container_spec_cpu_quota', { name: 'spin' }), 50000);
  assert.equal(value(text, 'container_cpu_cfs_periods_total', { name: 'spin' }) !== undefined, true, 'cfs series with a quota');
  assert.ok((value(text, 'container_cpu_usage_seconds_total', { name: 'spin', cpu: 'total' }) ?? 0) > 0);
});

test('a process holding 32 MiB in /dev/shm shows a working set of 32..48 MiB', async (t) => {
  const id = await run('mem', ['sh', '-c', 'dd if=/dev/zero of=/dev/shm/blob bs=1M count=32 2>/dev/null; exec sleep 1000'], { memoryBytes: 256 * MiB });
  t.after(() => remove(id));
  const ws = await waitFor('the working set to reach 32 MiB', async () => {
    const s = (await agent.api('GET', `/v1/containers/${id}`)).body.sample as ContainerSample | undefined;
    return s && s.stats.memory.workingSetBytes >= 32 * MiB ? s.stats.memory.workingSetBytes : undefined;
  }, { timeoutMs: 15_000, intervalMs: 100 });
  assert.ok(ws <= 48 * MiB, `working set ${ws / MiB} MiB`);
  // dd may still be exiting while the memory is already charged: wait until only `sleep` is left.
  const text = await waitFor('/metrics to show it, with dd gone', async () => {
    const t2 = await scrape();
    return (value(t2, 'container_memory_working_set_bytes', { name: 'mem' }) ?? 0) >= 32 * MiB
      && value(t2, 'container_processes', { name: 'mem' }) === 1 ? t2 : undefined;
  });
  assert.equal(value(text, 'container_spec_memory_limit_bytes', { name: 'mem' }), 256 * MiB);
  // Its page tables, task structs and the shm file's inode are kernel memory charged to it (v1 kmem, v2 memory.stat kernel).
  assert.ok((value(text, 'container_memory_kernel_usage', { name: 'mem' }) ?? 0) > 0, 'kernel memory');
});

test('block I/O per device: direct reads and writes of the container\'s own loop device show under its /dev name', async (t) => {
  // A loop device over a file in the test's own dir: the only disk this test writes to. On cgroup v1
  // this kernel counts a device's I/O only with a throttle rule on it (README), hence the high limit.
  const dir = mkdtempSync(join(tmpdir(), 'berth-blkio-'));
  let loop = '';
  let id = '';
  t.after(async () => { // in this order: the container, the loop device, its file
    if (id) await remove(id);
    if (loop) execFileSync('losetup', ['-d', loop]);
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(join(dir, 'disk.img'), Buffer.alloc(16 * MiB));
  loop = execFileSync('losetup', ['-f', '--show', join(dir, 'disk.img')], { encoding: 'utf8' }).trim();
  id = await run('disk', ['sh', '-c', `dd if=/dev/zero of=${loop} bs=64k count=64 oflag=direct && dd if=${loop} of=/dev/null bs=64k count=32 iflag=direct && exec sleep 1000`],
    { ioLimits: [{ path: loop, writeBps: 1 << 30, readBps: 1 << 30 }] }, { devices: [{ hostPath: loop }] });
  const device = { name: 'disk', device: loop };
  const text = await waitFor('4 MiB written and 2 MiB read on the loop device', async () => {
    const t2 = await scrape();
    return (value(t2, 'container_fs_writes_bytes_total', device) ?? 0) >= 4 * MiB && (value(t2, 'container_fs_reads_bytes_total', device) ?? 0) >= 2 * MiB
      ? t2 : undefined;
  }, { timeoutMs: 20_000, intervalMs: 200 });
  // Direct I/O in 64 KiB blocks: the kernel may split a block, never merge two.
  assert.ok((value(text, 'container_fs_writes_total', device) ?? 0) >= 64, 'write operations');
  assert.ok((value(text, 'container_fs_reads_total', device) ?? 0) >= 32, 'read operations');
  const [major, minor] = readFileSync(`/sys/class/block/${basename(loop)}/dev`, 'utf8').trim().split(':');
  assert.equal(value(text, 'container_blkio_device_usage_total', { ...device, major, minor, operation: 'Write' }),
    value(text, 'container_fs_writes_bytes_total', device));
  assert.equal(value(text, 'container_blkio_device_usage_total', { ...device, operation: 'Read' }), value(text, 'container_fs_reads_bytes_total', device));
  const sample = (await agent.api('GET', `/v1/containers/${id}`)).body.sample as ContainerSample;
  assert.ok(sample.stats.io.writeBytes >= 4 * MiB, 'the sample\'s sum over devices');
});

test('namespace info: private pid, net, mnt, uts, ipc, cgroup; user shared with the host', async (t) => {
  const id = await run('ns', ['sleep', '1000']);
  t.after(() => remove(id));
  const text = await waitFor('namespace series', async () => {
    const t2 = await scrape();
    return value(t2, 'berth_container_namespace_info', { name: 'ns', type: 'pid' }) === 1 ? t2 : undefined;
  });
  for (const type of ['pid', 'net', 'mnt', 'uts', 'ipc', 'cgroup']) {
    assert.equal(value(text, 'berth_container_namespace_info', { name: 'ns', type, host_shared: 'false' }), 1, type);
  }
  assert.equal(value(text, 'berth_container_namespace_info', { name: 'ns', type: 'user', host_shared: 'true' }), 1);
  assert.equal(value(text, 'container_network_receive_bytes_total', { name: 'ns' }), undefined, 'only lo in a fresh netns: no network series');
});

test('machine series: this host\'s cores, memory and swap, with its boot and machine ids as labels (cAdvisor\'s)', async () => {
  await waitFor('a first tick', async () => (await scrape()).includes('machine_cpu_cores'));
  const text = await scrape();
  const ids = { boot_id: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(), machine_id: readFileSync('/etc/machine-id', 'utf8').trim() };
  assert.equal(value(text, 'machine_cpu_cores', ids), cpus().length);
  assert.equal(value(text, 'machine_memory_bytes', ids), totalmem());
  const swapKiB = Number(/^SwapTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1]);
  assert.equal(value(text, 'machine_swap_bytes', ids), swapKiB * 1024);
  const physical = value(text, 'machine_cpu_physical_cores', ids)!;
  const sockets = value(text, 'machine_cpu_sockets', ids)!;
  assert.ok(sockets >= 1 && physical >= sockets && physical <= cpus().length, JSON.stringify({ physical, sockets }));
});

test('a removed container\'s series vanish at the next scrape; /metrics passes promtool', async () => {
  const id = await run('gone', ['sleep', '1000']);
  const before = await waitFor('its series', async () => {
    const t2 = await scrape();
    return value(t2, 'container_last_seen', { name: 'gone' }) !== undefined ? t2 : undefined;
  });
  if (existsSync('/usr/bin/promtool')) {
    const r = spawnSync('promtool', ['check', 'metrics'], { input: before, encoding: 'utf8' });
    assert.equal(r.status, 0, `promtool: ${r.stdout}${r.stderr}`);
  }
  await remove(id);
  const after = await scrape();
  assert.ok(!after.includes('name="gone"'), 'no series of the removed container');
});

test('berth stats --no-stream prints docker\'s columns; --format json; an unknown container is exit 125', async (t) => {
  const id = await run('cli-stats', ['sleep', '1000'], { memoryBytes: 64 * MiB });
  t.after(() => remove(id));
  await waitFor('a sample', async () => (await agent.api('GET', `/v1/containers/${id}`)).body.sample);
  const table = await agent.cli(['stats', '--no-stream']);
  assert.equal(table.code, 0, table.stderr);
  const [header, ...rows] = table.stdout.trimEnd().split('\n');
  assert.match(header, /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/);
  const row = rows.find((r) => r.startsWith(id.slice(0, 12)));
  assert.ok(row, table.stdout);
  assert.match(row, /cli-stats\s+\d+\.\d\d%\s+[\d.]+(B|KiB|MiB) \/ 64MiB\s+\d+\.\d\d%/);
  const json = await agent.cli(['stats', '--no-stream', '--format', 'json', 'cli-stats']);
  assert.equal(json.code, 0, json.stderr);
  const line = JSON.parse(json.stdout.trim());
  assert.equal(line.Name, 'cli-stats');
  assert.equal(line.Container, 'cli-stats');
  assert.equal(line.PIDs, '1');
  // -a adds containers that do not run, with docker's zeros; a template prints a line per container.
  const created = await agent.api('POST', '/v1/containers', { name: 'cli-stats-created', rootfs, cmd: ['true'] });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  t.after(() => remove(created.body.id));
  const all = await agent.cli(['stats', '--no-stream', '-a', '--format', '{{.Name}} {{.PIDs}} {{.MemUsage}}']);
  assert.equal(all.code, 0, all.stderr);
  assert.ok(all.stdout.split('\n').includes('cli-stats-created 0 0B / 0B'), all.stdout);
  assert.match(all.stdout, /^cli-stats 1 \S+ \/ 64MiB$/m);
  const running = await agent.cli(['stats', '--no-stream', '--format', '{{.Name}}']);
  assert.ok(!running.stdout.includes('cli-stats-created'), 'without -a only running containers');
  const missing = await agent.cli(['stats', '--no-stream', 'no-such-container']);
  assert.equal(missing.code, 125);
  assert.match(missing.stderr, /no-such-container/);
});

test('--metrics-labels tier: the agent puts that label alone on the container\'s series', async (t) => {
  const own = await startAgent({ sampleInterval: '200ms', extraArgs: ['--metrics-labels', 'tier'] });
  t.after(() => own.stop());
  const r = await own.api('POST', '/v1/containers', { name: 'labelled', rootfs, image: 'busybox:test', cmd: ['sleep', '1000'],
    labels: { tier: 'web', 'com.docker.compose.service': 'front' }, start: true });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const text = await waitFor('its series', async () => {
    const m = (await own.http('GET', '/metrics')).body as string;
    return value(m, 'container_last_seen', { name: 'labelled' }) !== undefined ? m : undefined;
  });
  assert.equal(value(text, 'container_memory_usage_bytes', { name: 'labelled', container_label_tier: 'web' }) !== undefined, true);
  assert.ok(!text.includes('container_label_com_docker_compose_service'), 'a label not listed is left out');
});

test('over its CPU budget the agent reads busy containers\' figures beyond CPU usage every 6 samples at most; CPU usage stays exact at each', async (t) => {
  // 0.001 % of a core at 200 ms: 2 µs per tick, which every tick costs more than.
  const own = await startAgent({ sampleInterval: '200ms', extraArgs: ['--sample-budget', '0.001%'] });
  t.after(() => own.stop());
  // Forks all the time: its memory usage and pids move between any two samples, its CPU usage too.
  const r = await own.api('POST', '/v1/containers', { name: 'over-budget', rootfs, image: 'busybox:test', cmd: ['sh', '-c', 'while :; do /bin/true; done'],
    resources: { cpus: 0.5 }, start: true });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const id = r.body.id as string;
  await waitFor('berth_sampler_stride 6', async () => /^berth_sampler_stride 6$/m.test((await own.http('GET', '/metrics')).body as string) || undefined,
    { timeoutMs: 20_000, intervalMs: 200 });
  const at = Date.now();
  const samples = await waitFor('12 samples at stride 6', async () => {
    const h = ((await own.api('GET', `/v1/containers/${id}/stats`)).body.samples as ContainerSample[]).filter((s) => s.time > at);
    return h.length >= 12 ? h.slice(0, 12) : undefined;
  }, { timeoutMs: 20_000, intervalMs: 200 });
  const moved = (figure: (s: ContainerSample) => number) => samples.slice(1).filter((s, i) => figure(s) !== figure(samples[i]!)).length;
  assert.equal(moved((s) => s.stats.cpu.usageNs), 11, 'CPU usage read anew at every sample');
  // On its turn, every 6th sample (and at a full read, 60 samples apart): at most 3 of the 11 steps.
  assert.ok(moved((s) => s.stats.memory.usageBytes) <= 3, `memory usage read every 6 samples: ${samples.map((s) => s.stats.memory.usageBytes).join(' ')}`);
});
