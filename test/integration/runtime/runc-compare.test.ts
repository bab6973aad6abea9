// One OCI bundle (from `runc spec`, args set to a probe script) run under runc and under berth:
// what the probe prints must agree (args, env, cwd (missing from the rootfs: both make it),
// hostname, ids, capabilities, no_new_privs, namespaces, mounts, rlimits) and so must the cgroup
// limits seen from the host (memory, OOM killer off, pids, CPU quota, a block I/O throttle on the host's disk).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { removeCgroupTree } from '../../helpers/agent.js';
import { cgroupFile, PURE_V2 } from '../../helpers/cgroup-files.js';
import { busyboxRootfs } from '../../helpers/rootfs.js';
import { waitFor } from '../../helpers/wait.js';
import { eachLine, hostNs, startHarness } from './harness.js';

const RUNC = '/usr/sbin/runc';
const NS_TYPES = ['pid', 'net', 'ipc', 'uts', 'mnt', 'cgroup', 'user'];
/** A disk of this host (not a loop or RAM device) for a read throttle: "major:minor". */
const DISK = readdirSync('/sys/block').filter((d) => !/^(loop|ram|zram)/.test(d)).map((d) => readFileSync(`/sys/block/${d}/dev`, 'utf8').trim())[0];

const PROBE = `#!/bin/sh
echo "args=$0 $*"
echo "cwd=$(pwd)"
echo "hostname=$(hostname)"
echo "ids=$(id -u):$(id -g):$(id -G)"
env | sort | sed 's/^/env=/'
grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):' /proc/self/status | tr -s '\\t ' ' ' | sed 's/^/status=/'
for n in ${NS_TYPES.join(' ')}; do echo "ns=$n $(readlink /proc/self/ns/$n)"; done
while read -r a b c d mp opts rest; do fstype=" $rest"; fstype=\${fstype#* - }; echo "mount=$mp \${fstype%% *}"; done < /proc/self/mountinfo
tail -n +2 /proc/self/limits | tr -s ' ' | sed 's/^/rlimit=/'
touch /probe-write 2>/dev/null && echo "rootfs=rw" || echo "rootfs=ro"
echo END
exec sleep 1000
`;

interface Probe { lines: string[]; limits: Record<string, string> }

function makeBundle(dir: string, cgroupsPath: string): string {
  const bundle = join(dir, 'bundle');
  mkdirSync(bundle);
  const r = spawnSync(RUNC, ['spec'], { cwd: bundle, encoding: 'utf8' });
  assert.equal(r.status, 0, `runc spec: ${r.stderr}`);
  cpSync(busyboxRootfs(), join(bundle, 'rootfs'), { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(bundle, 'rootfs/probe.sh'), PROBE);
  chmodSync(join(bundle, 'rootfs/probe.sh'), 0o755);
  const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
  config.process.terminal = false;
  config.process.args = ['/probe.sh', 'one', 'two words'];
  config.process.env.push('PROBE=1');
  config.process.cwd = '/made/by/the/runtime'; // missing from the rootfs: both make it
  config.linux.cgroupsPath = cgroupsPath;
  const [major, minor] = (DISK ?? '').split(':').map(Number);
  config.linux.resources = {
    ...config.linux.resources,
    memory: { limit: 64 * 1024 * 1024, ...(PURE_V2 ? {} : { disableOOMKiller: true }) }, // v1 only: berth refuses it on v2
    pids: { limit: 64 }, cpu: { quota: 50_000, period: 100_000 },
    ...(DISK ? { blockIO: { throttleReadBpsDevice: [{ major, minor, rate: 1048576 }], throttleWriteIOPSDevice: [{ major, minor, rate: 500 }] } } : {}),
  };
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(config, null, 2));
  return bundle;
}

function hostLimits(cgroup: string): Record<string, string> {
  const read = (f: string) => cgroupFile(cgroup, f);
  return {
    'memory.limit_in_bytes': read('memory.limit_in_bytes'), 'pids.max': read('pids.max'), 'cpu.cfs_quota_us': read('cpu.cfs_quota_us'),
    ...(PURE_V2 ? {} : { 'memory.oom_control': /^oom_kill_disable \d$/m.exec(read('memory.oom_control'))?.[0] ?? '' }),
    'blkio.throttle.read_bps_device': read('blkio.throttle.read_bps_device'), 'blkio.throttle.write_iops_device': read('blkio.throttle.write_iops_device'),
  };
}

/** Maps namespace inodes to host/private so runs can be compared. */
function normalise(lines: string[]): string[] {
  return lines.map((l) => {
    const ns = /^ns=(\w+) (.*)$/.exec(l);
    if (ns) return `ns=${ns[1]} ${ns[2] === hostNs(ns[1]!) ? 'host' : 'private'}`;
    return l;
  });
}

async function underRunc(bundle: string, root: string, cgroup: string): Promise<Probe> {
  const id = `probe-${randomBytes(4).toString('hex')}`;
  const child = spawn(RUNC, ['--root', root, 'run', '--bundle', bundle, id], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = ''; let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    await waitFor('the probe under runc', () => {
      if (child.exitCode !== null) throw new Error(`runc exited ${child.exitCode}: ${err}`);
      return out.includes('\nEND\n');
    }, { timeoutMs: 20_000 });
    return { lines: out.split('\nEND\n')[0]!.split('\n'), limits: hostLimits(cgroup) };
  } finally {
    spawnSync(RUNC, ['--root', root, 'kill', id, 'KILL']);
    await exited;
    spawnSync(RUNC, ['--root', root, 'delete', '--force', id]);
  }
}

test('the same OCI bundle behaves the same under runc and berth', { skip: !existsSync(RUNC) && 'runc is not installed' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-runc-'));
  const runcParent = `berth-test-${randomBytes(4).toString('hex')}`;
  const h = await startHarness();
  t.after(async () => {
    await h.cleanup();
    await removeCgroupTree(runcParent);
    rmSync(dir, { recursive: true, force: true });
  });
  const bundle = makeBundle(dir, `/${runcParent}/runc-probe`);
  const runcRoot = join(dir, 'runc-root');
  let t0 = Date.now();
  const runc = await underRunc(bundle, runcRoot, `/${runcParent}/runc-probe`);
  t.diagnostic(`runc probe: ${Date.now() - t0} ms`);
  t0 = Date.now();

  const info = await h.runtime.create({ bundle });
  await h.runtime.start(info.id);
  const lines: string[] = [];
  for await (const l of eachLine(h.runtime.logs(info.id, { follow: true }))) {
    if (l.line === 'END') break;
    lines.push(l.line);
  }
  const berth: Probe = { lines, limits: hostLimits(info.cgroup) };
  await h.runtime.remove(info.id, true);
  t.diagnostic(`berth probe: ${Date.now() - t0} ms`);

  const byKey = (p: Probe, key: string) => normalise(p.lines).filter((l) => l.startsWith(`${key}=`));
  for (const key of ['args', 'cwd', 'hostname', 'ids', 'env', 'ns', 'rlimit', 'rootfs', 'status', 'mount']) {
    assert.ok(byKey(runc, key).length > 0, `the probe printed no ${key} under runc: ${runc.lines.join('\n')}`);
  }
  if (process.env.BERTH_TEST_VERBOSE) t.diagnostic(JSON.stringify({ runc, berth }, null, 1));
  for (const key of ['args', 'cwd', 'hostname', 'ids', 'env', 'ns', 'rlimit', 'rootfs']) {
    assert.deepEqual(byKey(berth, key), byKey(runc, key), `${key} differs`);
  }
  // runc 1.1 raises the bundle's ambient (and thereby inheritable) capabilities; berth never sets
  // inheritable or ambient (CVE-2022-29162), so only those two rows may differ, and only to zero.
  const status = (p: Probe) => byKey(p, 'status');
  const withoutInhAmb = (rows: string[]) => rows.filter((r) => !/^status=Cap(Inh|Amb):/.test(r));
  assert.deepEqual(withoutInhAmb(status(berth)), withoutInhAmb(status(runc)));
  for (const row of status(berth).filter((r) => /^status=Cap(Inh|Amb):/.test(r))) assert.match(row, / 0{16}$/);
  // Mount points and types, except runc's expansion of the v1 cgroup mount into one mount per hierarchy.
  const mounts = (p: Probe) => byKey(p, 'mount').filter((m) => !m.startsWith('mount=/sys/fs/cgroup/')).sort();
  assert.deepEqual(mounts(berth), mounts(runc));
  assert.deepEqual(berth.limits, runc.limits);
  if (DISK) assert.equal(berth.limits['blkio.throttle.read_bps_device'], `${DISK} 1048576`, 'the throttle is there, not two empty files');
  if (!PURE_V2) assert.equal(berth.limits['memory.oom_control'], 'oom_kill_disable 1');
});
