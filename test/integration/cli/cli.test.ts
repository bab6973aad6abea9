// The berth CLI against a real agent (root, real containers from a busybox rootfs).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, startAgent, runCli, type TestAgent } from '../../helpers/agent.js';
import { cgroupFile, PURE_V2 } from '../../helpers/cgroup-files.js';
import { busyboxRootfs } from '../../helpers/rootfs.js';
import { waitFor } from '../../helpers/wait.js';

describe('berth CLI against a real agent', () => {
  let agent: TestAgent;
  let rootfs: string;
  before(async () => { rootfs = busyboxRootfs(); agent = await startAgent(); });
  after(() => agent?.stop());

  test('run prints the output and exits 0', async () => {
    const r = await agent.cli(['run', '--rootfs', rootfs, '--', '/bin/echo', 'hi']);
    assert.deepEqual({ code: r.code, out: r.stdout, err: r.stderr }, { code: 0, out: 'hi\n', err: '' });
  });

  test('run passes the exit code through and keeps stderr apart', async () => {
    const r = await agent.cli(['run', '--rootfs', rootfs, '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'err\n');
  });

  test('a missing command exits 127, a non-executable one 126, and neither leaves a container', async () => {
    const before = (await agent.api('GET', '/v1/containers?all=true')).body.length;
    const missing = await agent.cli(['run', '--rootfs', rootfs, '--', '/no/such/command']);
    assert.equal(missing.code, 127, missing.stderr);
    assert.match(missing.stderr, /^berth: .*\/no\/such\/command/);
    const notExec = await agent.cli(['run', '--rootfs', rootfs, '--', '/etc/passwd']);
    assert.equal(notExec.code, 126, notExec.stderr);
    assert.equal((await agent.api('GET', '/v1/containers?all=true')).body.length, before);
  });

  test('a bad flag exits 125 naming the flag, without calling the agent', async () => {
    const r = await agent.cli(['run', '--rootfs', rootfs, '-m', 'lots', '--', '/bin/true']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /^berth: berth run: invalid size "lots" for --memory/);
  });

  test('--uidmap: root in the container is an unprivileged host uid, for the command and for an exec', async () => {
    chmodSync(dirname(rootfs), 0o711); // the mapped root must be able to reach the rootfs (its temp dir is 0700)
    const map = ['--uidmap', '0:100000:65536'];
    const r = await agent.cli(['run', ...map, '--rootfs', rootfs, '--', 'sh', '-c', 'id -u; id -g; tr -s " " < /proc/self/uid_map; tr -s " " < /proc/self/gid_map']);
    assert.deepEqual({ code: r.code, out: r.stdout, err: r.stderr }, { code: 0, out: '0\n0\n 0 100000 65536\n 0 100000 65536\n', err: '' });
    const d = await agent.cli(['run', '-d', ...map, '--gidmap', '0:200000:65536', '--rootfs', rootfs, '--', 'sleep', '1000']);
    assert.equal(d.code, 0, d.stderr);
    const id = d.stdout.trim();
    const { pid } = (await agent.api('GET', `/v1/containers/${id}`)).body as { pid: number };
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    assert.match(status, /^Uid:\t100000\t100000\t100000\t100000$/m);
    assert.match(status, /^Gid:\t200000\t200000\t200000\t200000$/m);
    // The rootfs belongs to host root, which the namespace does not map: its files show the overflow uid.
    const ex = await agent.cli(['exec', id, 'sh', '-c', 'id -u; stat -c %u /bin/busybox; tr -s " " < /proc/self/uid_map']);
    assert.deepEqual({ code: ex.code, out: ex.stdout, err: ex.stderr }, { code: 0, out: '0\n65534\n 0 100000 65536\n', err: '' });
    assert.equal((await agent.cli(['rm', '-f', id])).code, 0);
  });

  test('events --since/--until take docker\'s time forms; a follow with --until ahead ends by itself then', async () => {
    await agent.cli(['run', '--rm', '--name', 'eventful', '--rootfs', rootfs, 'true']);
    const until = new Date(Date.now() + 1500).toISOString();
    const r = await agent.cli(['events', '-f', '--since', '10m', '--until', until, '--container', 'eventful', '--format', '{{.kind}}']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n').filter(Boolean).slice(0, 2), ['container.created', 'container.started']);
    assert.equal((await agent.cli(['events', '--until', '1h', '--container', 'eventful'])).stdout, '', 'nothing of it an hour ago');
    const bad = await agent.cli(['events', '--since', 'yesterday']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /since "yesterday" is not a time/);
  });

  test('run -d, ps, logs, exec, stop, rm', async () => {
    const d = await agent.cli(['run', '-d', '--name', 'sleeper', '--rootfs', rootfs, '--', 'sh', '-c', 'echo started; exec sleep 1000']);
    assert.equal(d.code, 0, d.stderr);
    const id = d.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const ps = await agent.cli(['ps']);
    assert.match(ps.stdout, new RegExp(`^${id.slice(0, 12)}\\s+.*"sh -c echo started;…"\\s+.*\\s+Up .*\\s+sleeper$`, 'm'));
    await waitFor('the first log line', async () => (await agent.cli(['logs', 'sleeper'])).stdout === 'started\n', { timeoutMs: 15_000, intervalMs: 200 });
    const ex = await agent.cli(['exec', 'sleeper', 'sh', '-c', 'echo in-exec; echo to-err >&2; exit 4']);
    assert.deepEqual({ code: ex.code, out: ex.stdout, err: ex.stderr }, { code: 4, out: 'in-exec\n', err: 'to-err\n' });
    // exec -i: this stdin is the command's, its end the command's EOF; bytes both ways as they are.
    const interactive = await agent.cli(['exec', '-i', 'sleeper', 'sh', '-c', 'read first; echo "first=$first"; cat; echo end'], { input: 'one\ntwo\nthree' });
    assert.deepEqual({ code: interactive.code, out: interactive.stdout, err: interactive.stderr }, { code: 0, out: 'first=one\ntwo\nthreeend\n', err: '' });
    const binDir = mkdtempSync(join(tmpdir(), 'berth-exec-in-'));
    const roundTrip = spawnSync('sh', ['-c', `"$0" --import tsx agent/main.ts --host "$1" exec -i sleeper cat < "$2" > "$3"`,
      process.execPath, agent.socket, join(rootfs, 'bin/busybox'), join(binDir, 'copy')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(roundTrip.status, 0, roundTrip.stderr);
    assert.ok(readFileSync(join(binDir, 'copy')).equals(readFileSync(join(rootfs, 'bin/busybox'))), 'stdin → cat → stdout changed the bytes');
    rmSync(binDir, { recursive: true, force: true });
    const both = await agent.cli(['exec', '-i', '-d', 'sleeper', 'true']);
    assert.equal(both.code, 125);
    assert.match(both.stderr, /-i and -d exclude each other/);
    // docker exec's environment flags: a file first, then -e (which wins); -e NAME takes this shell's value.
    const envDir = mkdtempSync(join(tmpdir(), 'berth-exec-env-'));
    writeFileSync(join(envDir, 'vars'), 'FROM_FILE=f\nB=from-file\n');
    const withEnv = await runCliEnv(['--host', agent.socket, 'exec', '--env-file', join(envDir, 'vars'), '-e', 'B=2', '-e', 'FROM_SHELL', 'sleeper',
      'sh', '-c', 'echo $FROM_FILE $B $FROM_SHELL'], { FROM_SHELL: 'shell' });
    rmSync(envDir, { recursive: true, force: true });
    assert.deepEqual({ code: withEnv.code, out: withEnv.stdout, err: withEnv.stderr }, { code: 0, out: 'f 2 shell\n', err: '' });
    // exec -d returns while its command runs on; what it prints is dropped.
    const bg = await agent.cli(['exec', '-d', 'sleeper', 'sh', '-c', 'echo out; echo err >&2; touch /tmp/detached; exec sleep 1001']);
    assert.deepEqual({ code: bg.code, out: bg.stdout, err: bg.stderr }, { code: 0, out: '', err: '' });
    await waitFor('the detached exec to run', async () => (await agent.cli(['exec', 'sleeper', 'test', '-e', '/tmp/detached'])).code === 0);
    // Binary output arrives byte for byte (docker's `exec c tar c … > x.tar`); the CLI runs through sh to keep its raw stdout.
    const copy = join(mkdtempSync(join(tmpdir(), 'berth-exec-bin-')), 'busybox');
    const raw = spawnSync('sh', ['-c', `"$0" --import tsx agent/main.ts --host "$1" exec sleeper cat /bin/busybox > "$2"`, process.execPath, agent.socket, copy],
      { cwd: ROOT, encoding: 'utf8' });
    assert.equal(raw.status, 0, raw.stderr);
    assert.ok(readFileSync(copy).equals(readFileSync(join(rootfs, 'bin/busybox'))), 'exec output differs from the file it printed');
    rmSync(dirname(copy), { recursive: true, force: true });
    // exec --privileged (docker's): every capability the agent holds; the container's seccomp stays (mode 2, filter).
    const caps = (extra: string[]) => agent.cli(['exec', ...extra, 'sleeper', 'sh', '-c', 'grep -E "^(CapEff|Seccomp):" /proc/self/status | tr -d "\\t"']);
    const agentCaps = /^CapBnd:\s*(\w+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))![1];
    assert.deepEqual((await caps(['--privileged'])).stdout.trim().split('\n'), [`CapEff:${agentCaps}`, 'Seccomp:2']);
    assert.deepEqual((await caps([])).stdout.trim().split('\n'), ['CapEff:00000000a80425fb', 'Seccomp:2'], 'docker\'s default set without it');
    const execEvents = (await agent.api('GET', '/v1/events?kind=container.exec')).body as { data: { privileged: boolean; cmd: string[] } }[];
    assert.deepEqual(execEvents.filter((e) => e.data.cmd[0] === 'sh' && e.data.cmd[2]?.includes('CapEff')).map((e) => e.data.privileged), [true, false]);
    assert.match((await agent.cli(['top', 'sleeper'])).stdout, /sleep 1001/);
    assert.equal((await agent.cli(['logs', 'sleeper'])).stdout, 'started\n', 'a detached exec\'s output is not the container\'s log');
    const stop = await agent.cli(['stop', '-t', '1', 'sleeper']);
    assert.deepEqual({ code: stop.code, out: stop.stdout }, { code: 0, out: 'sleeper\n' });
    const psa = await agent.cli(['ps', '-a', '--format', 'json']);
    const row = psa.stdout.trim().split('\n').map((l) => JSON.parse(l)).find((c) => c.Names === 'sleeper');
    assert.equal(row.State, 'exited');
    assert.match(row.Status, /^Exited \((137|143)\) /);
    assert.equal((await agent.cli(['rm', 'sleeper'])).code, 0);
    assert.equal((await agent.cli(['ps', '-a', '-q'])).stdout.includes(id.slice(0, 12)), false);
  });

  test('inspect prints a JSON array with the resolved spec', async () => {
    const c = await agent.cli(['create', '--name', 'inspected', '-e', 'FOO=bar', '-m', '32m', '--rootfs', rootfs, '--', '/bin/true']);
    assert.equal(c.code, 0, c.stderr);
    const r = await agent.cli(['inspect', 'inspected']);
    assert.equal(r.code, 0, r.stderr);
    const [info] = JSON.parse(r.stdout);
    assert.equal(info.id, c.stdout.trim());
    assert.equal(info.status, 'created');
    assert.equal(info.spec.resources.memoryBytes, 32 * 2 ** 20);
    assert.ok(info.spec.env.includes('FOO=bar'));
    const missing = await agent.cli(['inspect', 'no-such-thing']);
    assert.equal(missing.code, 125);
    assert.deepEqual(JSON.parse(missing.stdout), []);
    // -f: a Go template per container, like docker inspect -f; the found ones print, the missing one fails.
    const f = await agent.cli(['inspect', '-f', '{{.name}} {{.status}} {{.spec.resources.memoryBytes}} {{range .spec.env}}{{if eq . "FOO=bar"}}{{.}}{{end}}{{end}}', 'inspected', 'no-such-thing']);
    assert.deepEqual({ code: f.code, out: f.stdout }, { code: 125, out: `inspected created ${32 * 2 ** 20} FOO=bar\n` });
    assert.match(f.stderr, /no such container: no-such-thing/);
    // Templates written for docker inspect read docker's fields.
    const docker = await agent.cli(['inspect', '-f', '{{.Name}} {{.State.Status}} {{.State.Running}} {{.HostConfig.Memory}} {{.State.StartedAt}}', 'inspected']);
    assert.equal(docker.stdout, `/inspected created false ${32 * 2 ** 20} 0001-01-01T00:00:00Z\n`);
    const badTemplate = await agent.cli(['inspect', '-f', '{{.name', 'inspected']);
    assert.deepEqual({ code: badTemplate.code, out: badTemplate.stdout }, { code: 125, out: '' });
    assert.match(badTemplate.stderr, /--format: template "\{\{\.name": at position 1: unclosed action/);
    const ps = await agent.cli(['ps', '-a', '--format', 'table {{.Names}}\t{{.State}}\t{{.Label "x"}}']);
    assert.match(ps.stdout, /^NAMES\s+STATE\s+LABEL\n(.*\n)*inspected\s+created\s+\n/);
    assert.equal((await agent.cli(['rm', 'inspected'])).code, 0);
  });

  test('update changes live limits (cgroup files, inspect, stats); a memory limit below what the container holds changes nothing', async () => {
    const d = await agent.cli(['run', '-d', '--name', 'resized', '-m', '64m', '--memory-reservation', '32m', '--rootfs', rootfs, '--', 'sh', '-c',
      'dd if=/dev/zero of=/dev/shm/held bs=1M count=24 2>/dev/null; echo held; exec sleep 1000']);
    assert.equal(d.code, 0, d.stderr);
    try {
      const { cgroup } = (await agent.api('GET', '/v1/containers/resized')).body;
      const file = (name: string) => cgroupFile(cgroup, name);
      assert.equal(file('memory.soft_limit_in_bytes'), String(32 * 2 ** 20));
      const up = await agent.cli(['update', '--cpus', '0.5', '-m', '128m', '--memory-reservation', '96m', '--pids-limit', '50', 'resized']);
      assert.deepEqual({ code: up.code, out: up.stdout, err: up.stderr }, { code: 0, out: 'resized\n', err: '' });
      assert.deepEqual([file('cpu.cfs_quota_us'), file('memory.limit_in_bytes'), file('memory.soft_limit_in_bytes'), file('pids.max')],
        ['50000', String(128 * 2 ** 20), String(96 * 2 ** 20), '50']);
      const tooBig = await agent.cli(['update', '--memory-reservation', '256m', 'resized']);
      assert.equal(tooBig.code, 125);
      assert.match(tooBig.stderr, /--memory-reservation: 268435456 is above --memory \(134217728\)/);
      assert.equal((await agent.cli(['inspect', '-f', '{{.spec.resources.memoryBytes}} {{.spec.resources.cpus}}', 'resized'])).stdout, `${128 * 2 ** 20} 0.5\n`);
      await waitFor('stats to show the new limit', async () => / \/ 128MiB /.test((await agent.cli(['stats', '--no-stream', 'resized'])).stdout));
      // tmpfs pages cannot be reclaimed (no swap here): the kernel refuses 8 MiB with EBUSY after the
      // cpuset was already written, and berth puts the cpuset back.
      await waitFor('the memory to be held', async () => (await agent.cli(['logs', 'resized'])).stdout === 'held\n');
      const cpuset = file('cpuset.cpus');
      assert.notEqual(cpuset, '0', 'this test needs a host with more than one CPU');
      const conflict = await agent.cli(['update', '-m', '8m', 'resized']);
      assert.match(conflict.stderr, /--memory-reservation: .* above --memory .* \(the memory reservation was set earlier: give a new one in the same update\)/);
      const refused = await agent.cli(['update', '--cpuset-cpus', '0', '-m', '8m', '--memory-reservation', '0', 'resized']);
      assert.equal(refused.code, 125);
      assert.match(refused.stderr, /^berth: resources\.memoryBytes: container resized \([0-9a-f]{12}\) holds more than the new limit of 8\.0 MiB .*the limits were left as they were .*EBUSY/);
      assert.deepEqual([file('cpuset.cpus'), file('memory.limit_in_bytes'), file('memory.soft_limit_in_bytes')],
        [cpuset, String(128 * 2 ** 20), String(96 * 2 ** 20)]);
      const { resources } = (await agent.api('GET', '/v1/containers/resized')).body.spec;
      assert.deepEqual([resources.cpusetCpus, resources.memoryBytes], ['', 128 * 2 ** 20]);
    } finally {
      await agent.cli(['rm', '-f', 'resized']);
    }
  });

  test('--memory-swappiness lands in memory.swappiness (cgroup v1), update changes it, and without it the parent\'s stays', {
    skip: PURE_V2 && 'cgroup v1 only (the next test is its v2 counterpart)',
  }, async () => {
    const d = await agent.cli(['run', '-d', '--name', 'swappy', '--memory-swappiness', '0', '--rootfs', rootfs, '--', 'sleep', '1000']);
    assert.equal(d.code, 0, d.stderr);
    const plain = await agent.cli(['run', '-d', '--name', 'plain-swap', '--rootfs', rootfs, '--', 'sleep', '1000']);
    try {
      const file = async (name: string) => readFileSync(join('/sys/fs/cgroup/memory', (await agent.api('GET', `/v1/containers/${name}`)).body.cgroup, 'memory.swappiness'), 'utf8').trim();
      assert.equal(await file('swappy'), '0');
      assert.equal(await file('plain-swap'), readFileSync('/sys/fs/cgroup/memory/memory.swappiness', 'utf8').trim(), 'the host\'s, untouched');
      assert.equal((await agent.cli(['update', '--memory-swappiness', '30', 'swappy'])).code, 0);
      assert.equal(await file('swappy'), '30');
      assert.equal((await agent.cli(['inspect', '-f', '{{.spec.resources.memorySwappiness}}', 'swappy', 'plain-swap'])).stdout, '30\n-1\n');
      const bad = await agent.cli(['run', '--memory-swappiness', '101', '--rootfs', rootfs, '--', 'true']);
      assert.equal(bad.code, 125);
      assert.match(bad.stderr, /--memory-swappiness: .*101/);
    } finally {
      await agent.cli(['rm', '-f', 'swappy', 'plain-swap']);
    }
  });

  test('--memory-swappiness on cgroup v2 (no per-cgroup swappiness) is refused by name, and nothing is left', {
    skip: !PURE_V2 && 'needs a pure cgroup v2 host (pure-v2-vm.test.ts runs this file in one)',
  }, async () => {
    const before = agent.leftoverCgroups(); // exited containers of earlier tests keep theirs until rm
    const r = await agent.cli(['run', '-d', '--name', 'swappy', '--memory-swappiness', '0', '--rootfs', rootfs, '--', 'sleep', '1000']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /^berth: --memory-swappiness: cgroup v2 has no per-cgroup swappiness/);
    assert.equal((await agent.cli(['ps', '-a', '-q', '--filter', 'name=swappy'])).stdout, '');
    assert.deepEqual(agent.leftoverCgroups(), before);
  });

  test('--cpu-period/--cpu-quota land in the CFS files; update of the quota keeps the period', async () => {
    const d = await agent.cli(['run', '-d', '--name', 'cfs', '--cpu-period', '50000', '--cpu-quota', '25000', '--rootfs', rootfs, '--', 'sleep', '1000']);
    assert.equal(d.code, 0, d.stderr);
    try {
      const { cgroup, spec } = (await agent.api('GET', '/v1/containers/cfs')).body;
      const file = (name: string) => cgroupFile(cgroup, name);
      assert.deepEqual([file('cpu.cfs_period_us'), file('cpu.cfs_quota_us'), spec.resources.cpus], ['50000', '25000', 0.5]);
      assert.equal((await agent.cli(['update', '--cpu-quota', '50000', 'cfs'])).code, 0);
      assert.deepEqual([file('cpu.cfs_period_us'), file('cpu.cfs_quota_us')], ['50000', '50000']);
    } finally {
      await agent.cli(['rm', '-f', 'cfs']);
    }
  });

  test('--device-read-bps/--device-write-iops land in the blkio throttle files; an update of them is refused', async () => {
    const dev = ['loop0', 'vda', 'sda'].map((n) => `/dev/${n}`).find((p) => { try { return statSync(p).isBlockDevice(); } catch { return false; } });
    assert.ok(dev, 'this test needs a block device');
    const { rdev } = statSync(dev);
    const numbers = `${Math.floor(rdev / 256) & 0xfff}:${rdev & 0xff}`;
    const d = await agent.cli(['run', '-d', '--name', 'throttled', '--device-read-bps', `${dev}:1mb`, '--device-write-iops', `${dev}:100`,
      '--rootfs', rootfs, '--', 'sleep', '1000']);
    assert.equal(d.code, 0, d.stderr);
    try {
      const { cgroup } = (await agent.api('GET', '/v1/containers/throttled')).body;
      const file = (name: string) => cgroupFile(cgroup, name);
      assert.deepEqual([file('blkio.throttle.read_bps_device'), file('blkio.throttle.write_iops_device'), file('blkio.throttle.write_bps_device')],
        [`${numbers} 1048576`, `${numbers} 100`, '']);
      const up = await agent.api('POST', '/v1/containers/throttled/update', { resources: { ioLimits: [{ path: dev, readBps: 1 }] } });
      assert.equal(up.status, 400);
      assert.match(up.body.error.message, /resources\.ioLimits: cannot be changed by an update/);
    } finally {
      await agent.cli(['rm', '-f', 'throttled']);
    }
  });

  test('top shows the container\'s processes (host pids, as ps shows them) and passes ps options', async () => {
    const d = await agent.cli(['run', '-d', '--name', 'busy', '--rootfs', rootfs, '--', 'sh', '-c', 'sleep 1001 & sleep 1002 & wait']);
    assert.equal(d.code, 0, d.stderr);
    try {
      const pids = async () => cgroupFile((await agent.api('GET', '/v1/containers/busy')).body.cgroup, 'cgroup.procs')
        .split('\n').map(Number).sort((a, b) => a - b);
      await waitFor('both sleeps', async () => (await pids()).length === 3);
      const top = await agent.cli(['top', 'busy']);
      assert.equal(top.code, 0, top.stderr);
      const [header, ...rows] = top.stdout.trim().split('\n');
      assert.match(header!, /^UID\s+PID\s+PPID\s+C\s+STIME\s+TTY\s+TIME\s+CMD$/);
      assert.deepEqual(rows.map((r) => Number(r.split(/\s+/)[1])).sort((a, b) => a - b), await pids());
      assert.ok(rows.some((r) => r.endsWith(' sleep 1001')) && rows.some((r) => r.endsWith(' sh -c sleep 1001 & sleep 1002 & wait')), top.stdout);
      const custom = await agent.cli(['top', 'busy', '-o', 'pid,comm']);
      assert.deepEqual(custom.stdout.trim().split('\n').map((l) => l.split(/\s+/)[1]).slice(1).sort(), ['sh', 'sleep', 'sleep']);
      const noPid = await agent.cli(['top', 'busy', '-o', 'rss']);
      assert.equal(noPid.code, 125);
      assert.match(noPid.stderr, /the ps output has no PID column/);
      await agent.cli(['stop', '-t', '0', 'busy']);
      const stopped = await agent.cli(['top', 'busy']);
      assert.equal(stopped.code, 125);
      assert.match(stopped.stderr, /cannot top container busy .*: it is exited/);
    } finally {
      await agent.cli(['rm', '-f', 'busy']);
    }
  });

  test('rename: a running container takes the new name everywhere; a name in use or malformed is refused', async () => {
    const d = await agent.cli(['run', '-d', '--name', 'before', '--rootfs', rootfs, '--', 'sleep', '1000']);
    assert.equal(d.code, 0, d.stderr);
    const other = await agent.cli(['create', '--name', 'taken', '--rootfs', rootfs, '--', 'true']);
    try {
      assert.deepEqual(await agent.cli(['rename', 'before', 'after']), { code: 0, stdout: '', stderr: '' });
      const info = (await agent.api('GET', '/v1/containers/after')).body;
      assert.deepEqual([info.id, info.name, info.spec.name, info.status], [d.stdout.trim(), 'after', 'after', 'running']);
      assert.equal((await agent.api('GET', '/v1/containers/before')).status, 404);
      assert.match((await agent.cli(['ps', '--format', '{{.Names}}'])).stdout, /^after$/m);
      const taken = await agent.cli(['rename', 'after', 'taken']);
      assert.equal(taken.code, 125);
      assert.match(taken.stderr, /name "taken" is already in use by container [0-9a-f]{12}/);
      const bad = await agent.cli(['rename', 'after', 'no/slash']);
      assert.equal(bad.code, 125);
      assert.match(bad.stderr, /name: must match/);
      const renamed = (await agent.api('GET', '/v1/events?kind=container.renamed')).body.at(-1);
      assert.deepEqual([renamed.containerName, renamed.data.oldName], ['after', 'before']);
    } finally {
      await agent.cli(['rm', '-f', 'after', other.stdout.trim()]);
    }
  });

  test('healthchecks: starting, unhealthy after the retries, healthy once the check passes; a hung check is killed at its timeout', async () => {
    const run = (name: string, ...flags: string[]) => agent.cli(['run', '-d', '--name', name, ...flags, '--rootfs', rootfs, '--', 'sleep', '1000']);
    const status = async (name: string) => (await agent.cli(['ps', '-a', '--filter', `name=^/${name}$`, '--format', '{{.Status}}'])).stdout.trim();
    assert.equal((await run('probed', '--health-cmd', 'test -e /tmp/ok', '--health-interval', '200ms', '--health-retries', '2')).code, 0);
    assert.equal((await run('hung', '--health-cmd', 'sleep 60', '--health-interval', '200ms', '--health-timeout', '300ms', '--health-retries', '1')).code, 0);
    try {
      await waitFor('probed to be unhealthy', async () => / \(unhealthy\)$/.test(await status('probed')));
      assert.equal((await agent.cli(['exec', 'probed', 'touch', '/tmp/ok'])).code, 0);
      await waitFor('probed to be healthy', async () => / \(healthy\)$/.test(await status('probed')));
      assert.match((await agent.cli(['ps', '--filter', 'health=healthy', '--format', '{{.Names}}'])).stdout, /^probed$/m);
      const events = (await agent.api('GET', '/v1/events?kind=container.health')).body.filter((e: { containerName: string }) => e.containerName === 'probed');
      assert.deepEqual(events.map((e: { data: { status: string } }) => e.data.status), ['unhealthy', 'healthy']);
      // Probes are not execs in the event stream (docker's flood of exec_start for them): only the user's touch is.
      const execs = (await agent.api('GET', '/v1/events?kind=container.exec&container=probed')).body.map((e: { data: { cmd: string[] } }) => e.data.cmd);
      assert.deepEqual(execs, [['touch', '/tmp/ok']]);
      await waitFor('the metric to say healthy', async () =>
        /^berth_container_health_status\{[^}]*name="probed"[^}]*status="healthy"\} 1$/m.test((await agent.http('GET', '/metrics')).body));

      const hung = await waitFor('hung to be unhealthy', async () => {
        const info = (await agent.api('GET', '/v1/containers/hung')).body;
        return info.health?.status === 'unhealthy' ? info : undefined;
      });
      assert.equal(hung.health.log.at(-1).output, 'Health check exceeded timeout (0.3s)');
      assert.equal(hung.health.log.at(-1).exitCode, -1);
      // The timed-out `sleep 60` does not stay behind in the container: only init (and maybe a probe in flight).
      const procs = () => cgroupFile(hung.cgroup, 'cgroup.procs').split('\n').length;
      await waitFor('the hung probes to be killed', async () => procs() === 1);
    } finally {
      await agent.cli(['rm', '-f', 'probed', 'hung']);
    }
  });

  test('--health-start-interval paces the checks in the start period: healthy long before the interval', async () => {
    // The interval is a minute: a first check one interval after start (berth before, docker < 25) fails the wait.
    const r = await agent.cli(['run', '-d', '--name', 'paced', '--health-cmd', 'true', '--health-interval', '60s', '--health-start-period', '30s',
      '--health-start-interval', '200ms', '--rootfs', rootfs, '--', 'sleep', '1000']);
    assert.equal(r.code, 0, r.stderr);
    try {
      const info = await waitFor('paced to be healthy', async () => {
        const c = (await agent.api('GET', '/v1/containers/paced')).body;
        return c.health?.status === 'healthy' ? c : undefined;
      }, { timeoutMs: 10_000 });
      assert.equal(info.spec.healthcheck.startIntervalSeconds, 0.2);
      assert.equal(info.health.log.length, 1, 'one check made it healthy');
    } finally {
      await agent.cli(['rm', '-f', 'paced']);
    }
  });

  test('--mount: a read-only bind and a sized tmpfs, as the container sees them', async () => {
    const data = mkdtempSync(join(tmpdir(), 'berth-mount-'));
    try {
      writeFileSync(join(data, 'hello'), 'from the host\n');
      const r = await agent.cli(['run', '--rm', '--mount', `type=bind,src=${data},dst=/data,readonly`, '--mount', 'type=tmpfs,target=/scratch,tmpfs-size=8m',
        '--rootfs', rootfs, '--', 'sh', '-c', 'cat /data/hello; touch /data/new 2>/dev/null || echo read-only; df -k /scratch | tail -1 | awk \'{ print $2 }\'']);
      assert.deepEqual({ code: r.code, out: r.stdout }, { code: 0, out: 'from the host\nread-only\n8192\n' }, r.stderr);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  test('stop of several containers stops them at once (as docker\'s CLI), printing them in the order given', async () => {
    // sleep as PID 1 ignores SIGTERM: each stop takes its whole 2 s timeout before SIGKILL.
    const names = ['many-1', 'many-2', 'many-3', 'many-4'];
    for (const name of names) {
      const r = await agent.cli(['run', '-d', '--name', name, '--rootfs', rootfs, '--', 'sleep', '1000']);
      assert.equal(r.code, 0, r.stderr);
    }
    const stop = await agent.cli(['stop', '-t', '2', ...names.slice().reverse(), 'no-such-container']);
    assert.equal(stop.code, 125);
    assert.equal(stop.stdout, `${names.slice().reverse().join('\n')}\n`);
    assert.match(stop.stderr, /no-such-container/);
    const finished = await Promise.all(names.map(async (n) => Date.parse((await agent.api('GET', `/v1/containers/${n}`)).body.exit.finishedAt)));
    // One after the other, their ends would lie 2 s apart (6 s from first to last).
    assert.ok(Math.max(...finished) - Math.min(...finished) < 1500, `ends spread over ${Math.max(...finished) - Math.min(...finished)} ms`);
    const rm = await agent.cli(['rm', ...names]);
    assert.deepEqual({ code: rm.code, out: rm.stdout }, { code: 0, out: `${names.join('\n')}\n` });
  });

  test('stop --signal and restart --signal send that signal instead of the stop signal; an unknown one changes nothing', async () => {
    // PID 1 traps INT (exit 3) and HUP (exit 4); SIGTERM, the stop signal, it ignores (it would end by SIGKILL: 137).
    const script = 'trap "echo got INT; exit 3" INT; trap "echo got HUP; exit 4" HUP; while :; do sleep 0.1; done';
    assert.equal((await agent.cli(['run', '-d', '--name', 'sig', '--rootfs', rootfs, '--', 'sh', '-c', script])).code, 0);
    const bogus = await agent.cli(['stop', '--signal', 'SIGBOGUS', 'sig']);
    assert.equal(bogus.code, 125);
    assert.match(bogus.stderr, /signal: unknown signal "SIGBOGUS"/);
    assert.equal((await agent.api('GET', '/v1/containers/sig')).body.status, 'running');
    const stop = await agent.cli(['stop', '-s', 'INT', '-t', '30', 'sig']);
    assert.equal(stop.code, 0, stop.stderr);
    assert.equal((await agent.api('GET', '/v1/containers/sig')).body.exit.exitCode, 3);
    await agent.cli(['start', 'sig']);
    const restart = await agent.cli(['restart', '--signal', '1', '-t', '30', 'sig']);
    assert.equal(restart.code, 0, restart.stderr);
    assert.equal((await agent.api('GET', '/v1/containers/sig')).body.status, 'running');
    assert.equal((await agent.cli(['logs', 'sig'])).stdout, 'got INT\ngot HUP\n', 'the restart stopped it with SIGHUP');
    assert.equal((await agent.cli(['rm', '-f', 'sig'])).code, 0);
  });

  test('run --rm removes the container after it exits', async () => {
    const r = await agent.cli(['run', '--rm', '--name', 'gone', '--rootfs', rootfs, '--', 'sh', '-c', 'echo bye; exit 2']);
    assert.deepEqual({ code: r.code, out: r.stdout }, { code: 2, out: 'bye\n' });
    await waitFor('the --rm container to be removed', async () =>
      !(await agent.api('GET', '/v1/containers?all=true')).body.some((c: { name: string }) => c.name === 'gone'));
  });

  test('container prune: the answer on stdin decides; stopped containers with the label go, with the size of their logs', async () => {
    const noisy = await agent.cli(['run', '-l', 'prune-test', '--name', 'noisy', '--rootfs', rootfs, '--', 'sh', '-c', 'seq 1 20000']);
    assert.equal(noisy.code, 0, noisy.stderr);
    assert.equal((await agent.cli(['run', '-d', '-l', 'prune-test', '--name', 'busy', '--rootfs', rootfs, '--', 'sleep', '1000'])).code, 0);
    assert.equal((await agent.cli(['create', '--name', 'other', '--rootfs', rootfs, '--', 'true'])).code, 0);
    try {
      const id = (await agent.api('GET', '/v1/containers/noisy')).body.id;
      const no = await agent.cli(['container', 'prune', '--filter', 'label=prune-test'], { input: 'n\n' });
      assert.deepEqual([no.code, no.stdout], [0, 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ']);
      assert.equal((await agent.api('GET', '/v1/containers/noisy')).status, 200);
      const yes = await agent.cli(['container', 'prune', '--filter', 'label=prune-test'], { input: 'y\n' });
      // seq 1 20000 prints 108894 bytes; each log line adds a CRI prefix (time, stream, P/F).
      const m = /\[y\/N\] Deleted Containers:\n([0-9a-f]{64})\n\nTotal reclaimed space: ([\d.]+)kB\n$/.exec(yes.stdout);
      assert.ok(m, yes.stdout + yes.stderr);
      assert.equal(m[1], id);
      assert.ok(Number(m[2]) > 108.894, `reclaimed ${m[2]} kB`);
      const left = (await agent.api('GET', '/v1/containers?all=true')).body.map((c: { name: string }) => c.name);
      assert.ok(left.includes('busy') && left.includes('other') && !left.includes('noisy'), left.join(' '));
    } finally {
      await agent.cli(['rm', '-f', 'noisy', 'busy', 'other']);
    }
  });

  test('the unix socket has mode 0660', () => {
    assert.equal(statSync(agent.socket).mode & 0o777, 0o660);
  });

  test('the TCP listener serves reads but refuses mutating calls without a configured token', async () => {
    assert.equal((await agent.http('GET', '/healthz')).status, 200);
    assert.equal((await agent.http('GET', '/v1/containers')).status, 200);
    const r = await agent.http('POST', '/v1/containers', { rootfs, cmd: ['/bin/true'] });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'FORBIDDEN');
  });

  test('version and info talk to the agent', async () => {
    const v = await agent.cli(['version']);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /Agent:\n {2}Version: +\d+\.\d+\.\d+/);
    const i = await agent.cli(['info', '--format', 'json']);
    const info = JSON.parse(i.stdout);
    assert.equal(info.cgroupParent, agent.cgroupParent);
    assert.equal(info.stateDir, agent.stateDir);
    assert.match(info.cgroupVersion, /^(v1|v2|hybrid)$/);
  });
});

test('an unreachable agent exits 125 with a clear message', async () => {
  const r = await runCli(['--host', '/nonexistent/berth.sock', 'ps']);
  assert.equal(r.code, 125);
  assert.equal(r.stderr, 'berth: cannot reach the agent at unix:///nonexistent/berth.sock (ENOENT); is `berth agent` running?\n');
});

test('with a token, mutating TCP calls need it; the CLI sends BERTH_TOKEN over tcp://', async (t) => {
  const token = 'integration-token-0123456789';
  const agent = await startAgent({ token });
  t.after(() => agent.stop());
  const rootfs = busyboxRootfs();
  const spec = { rootfs, cmd: ['/bin/true'] };
  assert.equal((await agent.http('POST', '/v1/containers', spec)).status, 401);
  assert.equal((await agent.http('POST', '/v1/containers', spec, { authorization: 'Bearer wrong-token-0123456789' })).status, 401);
  const ok = await agent.http('POST', '/v1/containers', spec, { authorization: `Bearer ${token}` });
  assert.equal(ok.status, 201);
  const viaCli = await runCliEnv(['--host', `tcp://127.0.0.1:${agent.port}`, 'rm', ok.body.id], { BERTH_TOKEN: token });
  assert.equal(viaCli.code, 0, viaCli.stderr);
  const noToken = await runCli(['--host', `tcp://127.0.0.1:${agent.port}`, 'create', '--rootfs', rootfs, '--', '/bin/true']);
  assert.equal(noToken.code, 125);
  assert.match(noToken.stderr, /Authorization: Bearer/);
  // exec -i is a websocket (a GET): it still needs the token, so no web page can run a command.
  const c = await agent.http('POST', '/v1/containers', { rootfs, cmd: ['sleep', '1000'], start: true }, { authorization: `Bearer ${token}` });
  const tcp = ['--host', `tcp://127.0.0.1:${agent.port}`, 'exec', '-i', c.body.id, 'cat'];
  const refused = await runCli(tcp, { input: 'x' });
  assert.equal(refused.code, 125);
  assert.match(refused.stderr, /GET \/v1\/containers\/\w+\/exec: this call needs "Authorization: Bearer <token>"/);
  const allowed = await runCliEnv(tcp, { BERTH_TOKEN: token }, 'through tcp\n');
  assert.deepEqual({ code: allowed.code, out: allowed.stdout, err: allowed.stderr }, { code: 0, out: 'through tcp\n', err: '' });
});

async function runCliEnv(args: string[], env: Record<string, string>, input?: string) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try { return await runCli(args, { input }); } finally { for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k]; }
}

test('two agents side by side keep their containers apart', async (t) => {
  const a = await startAgent();
  t.after(() => a.stop());
  const b = await startAgent();
  t.after(() => b.stop());
  const rootfs = busyboxRootfs();
  const ra = await a.cli(['run', '-d', '--name', 'same-name', '--rootfs', rootfs, '--', 'sleep', '1000']);
  const rb = await b.cli(['run', '-d', '--name', 'same-name', '--rootfs', rootfs, '--', 'sleep', '1000']);
  assert.equal(ra.code, 0, ra.stderr);
  assert.equal(rb.code, 0, `the same name is free in the other agent: ${rb.stderr}`);
  const idsA = (await a.cli(['ps', '-q', '--no-trunc'])).stdout.trim().split('\n');
  const idsB = (await b.cli(['ps', '-q', '--no-trunc'])).stdout.trim().split('\n');
  assert.deepEqual(idsA, [ra.stdout.trim()]);
  assert.deepEqual(idsB, [rb.stdout.trim()]);
  const ia = (await a.api('GET', `/v1/containers/${idsA[0]}`)).body;
  assert.ok(ia.cgroup.includes(a.cgroupParent) && !ia.cgroup.includes(b.cgroupParent));
  assert.ok(ia.stateDir.startsWith(a.stateDir));
});

test('run passes the signals it gets on to the container; with --sig-proxy=false they end the CLI only and the container runs on', async (t) => {
  const a = await startAgent();
  t.after(() => a.stop());
  const script = 'trap "echo got TERM; exit 7" TERM; echo ready; while :; do sleep 0.1; done';
  for (const [name, extra] of [['proxied', []], ['unproxied', ['--sig-proxy=false']]] as const) {
    const cli = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'agent/main.ts'), '--host', a.socket, 'run', '--name', name, ...extra,
      '--rootfs', busyboxRootfs(), '--', 'sh', '-c', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    t.after(() => { cli.kill('SIGKILL'); });
    let out = '';
    cli.stdout.on('data', (d) => { out += String(d); });
    const exited = new Promise<[number | null, string | null]>((resolve) => cli.on('exit', (code, signal) => resolve([code, signal])));
    await waitFor(`${name} to be ready`, () => out.includes('ready\n'));
    cli.kill('SIGTERM');
    const [code, signal] = await exited;
    const status = (await a.api('GET', `/v1/containers/${name}`)).body.status;
    if (name === 'proxied') assert.deepEqual([code, out, status], [7, 'ready\ngot TERM\n', 'exited']);
    else assert.deepEqual([signal, status], ['SIGTERM', 'running']);
  }
});

test('a second agent on a live socket is refused; a stale socket is replaced', async (t) => {
  const a = await startAgent();
  t.after(() => a.stop());
  const clash = await runCli(['agent', '--state-dir', join(a.dir, 'state2'), '--socket', a.socket, '--listen', 'none', '--cgroup-parent', `${a.cgroupParent}-2`]);
  assert.equal(clash.code, 125);
  assert.match(clash.stderr, /another agent is listening on this socket/);
  await a.crash(); // SIGKILL leaves the socket file behind
  assert.ok(statSync(a.socket).isSocket());
  await a.start();
  assert.equal((await a.api('GET', '/healthz')).status, 200);
});

test('a second agent on a state dir or a cgroup parent in use is refused before it touches anything; after a crash both are free', async (t) => {
  const a = await startAgent();
  t.after(() => a.stop());
  const r = await a.cli(['run', '-d', '--name', 'keeps-running', '--rootfs', busyboxRootfs(), '--', 'sleep', '1000']);
  assert.equal(r.code, 0, r.stderr);
  const { pid } = (await a.api('GET', '/v1/containers/keeps-running')).body;
  const other = (n: number) => ['--socket', join(a.dir, `other${n}.sock`), '--listen', 'none', '--rules', 'none'];
  // The same state dir through another spelling of its path.
  const sameState = await runCli(['agent', '--state-dir', `${a.stateDir}/.`, '--cgroup-parent', `${a.cgroupParent}-2`, ...other(1)]);
  assert.equal(sameState.code, 125);
  assert.match(sameState.stderr, new RegExp(`state dir ${a.stateDir}/\\. is in use by another agent \\(pid ${a.proc!.pid}, socket ${a.socket}\\); stop it, or choose another --state-dir`));
  // Its recovery would take the first agent's containers for orphan cgroups and kill them.
  const sameParent = await runCli(['agent', '--state-dir', join(a.dir, 'state2'), '--cgroup-parent', a.cgroupParent, ...other(2)]);
  assert.equal(sameParent.code, 125);
  assert.match(sameParent.stderr, new RegExp(`cgroup parent ${a.cgroupParent} is in use by another agent .*--cgroup-parent`));
  assert.equal(sameParent.stdout, '', 'it logged: its recovery ran before the refusal');
  assert.ok(existsSync(`/proc/${pid}`), 'the first agent\'s container was killed');
  assert.equal((await a.api('GET', '/v1/containers/keeps-running')).body.status, 'running');
  await a.crash(); // the kernel drops the claims with the process: nothing stale is left
  await a.start();
  assert.equal((await a.api('GET', '/v1/containers/keeps-running')).body.pid, pid);
});

test('events survive a crash: the next agent has the history with its seq numbers, and new events go on after them', async (t) => {
  const a = await startAgent();
  t.after(() => a.stop());
  const r = await a.cli(['run', '--name', 'before-crash', '--rootfs', busyboxRootfs(), '--', 'sh', '-c', 'exit 3']);
  assert.equal(r.code, 3, r.stderr);
  const before = (await a.api('GET', '/v1/events')).body as { seq: number; kind: string }[];
  assert.ok(before.some((e) => e.kind === 'container.exited'), JSON.stringify(before));
  const lastSeq = before.at(-1)!.seq;
  await a.crash();
  await a.start();
  // agent.started comes once the listeners are up, perhaps just after /healthz first answered.
  const after = await waitFor('the new agent to say it started', async () => {
    const all = (await a.api('GET', '/v1/events')).body as { seq: number; kind: string }[];
    return all.some((e) => e.kind === 'agent.started' && e.seq > lastSeq) ? all : undefined;
  });
  assert.deepEqual(after.slice(0, before.length), before, 'the same events, seq numbers and all');
  const newer = after.slice(before.length);
  assert.ok(newer.length > 0 && newer[0].seq === lastSeq + 1, JSON.stringify(newer));
  assert.ok(newer.some((e) => e.kind === 'agent.started'));
  // A client that saw up to lastSeq resumes from there and gets only what came after.
  const resumed = await a.cli(['events', '--after', String(lastSeq), '--format', '{{.seq}} {{.kind}}']);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.deepEqual(resumed.stdout.trim().split('\n'), newer.map((e) => `${e.seq} ${e.kind}`));
});

test('SIGTERM drains: the agent exits 0, containers keep running and the next agent adopts them', async (t) => {
  const a = await startAgent();
  t.after(() => a.stop());
  const r = await a.cli(['run', '-d', '--name', 'survivor', '--rootfs', busyboxRootfs(), '--', 'sleep', '1000']);
  assert.equal(r.code, 0, r.stderr);
  const pid = (await a.api('GET', '/v1/containers/survivor')).body.pid;
  assert.equal(await a.shutdown(), 0);
  assert.doesNotThrow(() => process.kill(pid, 0), 'the container outlives the agent');
  await a.start();
  const after = await a.api('GET', '/v1/containers/survivor');
  assert.equal(after.body.status, 'running');
  assert.equal(after.body.pid, pid);
});
