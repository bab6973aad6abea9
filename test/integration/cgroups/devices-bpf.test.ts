// cgroup v2 device rules enforced for real: the v2 manager pointed at the host's cgroup2 mount
// (on this hybrid host the controller-less one: cgroup-BPF device programs attach to any cgroup2
// directory; on a pure v2 host, as in the VM of pure-v2-vm.test.ts, the root) creates
// berth-test-<rand>/c with Docker's default rules, berth-shim devices loads and attaches the
// compiled program, and a shell placed in the cgroup tries device nodes. A control shell outside
// the cgroup shows the refusals come from the program, not from the nodes.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCgroupManager, shimDeviceProgramLoader, type CgroupManager, type DeviceRule } from '../../../agent/cgroups/index.js';
import { compileDeviceProgram } from '../../../agent/cgroups/v2/device-program.js';
import { DOCKER_DEVICE_RULES } from '../../../agent/runtime/defaults.js';
import { PURE_V2 } from '../../helpers/cgroup-files.js';
import { buildShim, SHIM } from '../shim/harness.js';
import { cleanUpAfter, exited, place, randomParent } from './helpers.js';

const V2_ROOT = PURE_V2 ? '/sys/fs/cgroup' : '/sys/fs/cgroup/unified';
const skip = process.getuid?.() === 0 && existsSync(join(V2_ROOT, 'cgroup.procs')) ? false : `needs root and a cgroup2 mount at ${V2_ROOT}`;
const MOUNTINFO = `40 30 0:37 / ${V2_ROOT} rw,relatime - cgroup2 cgroup2 rw\n`;
const EPERM = 'Operation not permitted';

before(() => { if (!skip) buildShim(); });

// Each probe prints "<name> ok" or "<name> fail <what the command said>". `: < node` only opens.
const PROBE = `
read go
p() { name=$1; shift; if out=$("$@" 2>&1); then echo "$name ok"; else echo "$name fail $out" | tr '\\n' ' '; echo; fi; }
p read-null cat /dev/null
p read-zero sh -c 'test "$(head -c 4 /dev/zero | wc -c)" = 4'
p write-null sh -c 'echo x > /dev/null'
p open-fuse sh -c ': < /dev/fuse'
p mknod-char-1-3 mknod "$D/null" c 1 3
p open-char-1-3 sh -c 'echo x > "$D/null"'
p mknod-char-1-1 mknod "$D/mem" c 1 1
p open-char-1-1 sh -c ': < "$D/mem"'
p mknod-block mknod "$D/disk" b "$DISK_MAJOR" "$DISK_MINOR"
p open-block sh -c ': < "$D/disk"'
`;

/**
 * A block device this (root) process can open outside any device program: the refusal inside
 * then comes from the program. This VM's own disk is closed even to root, loop devices are not.
 */
function openableBlockDevice(): { major: number; minor: number } {
  for (const name of readdirSync('/dev').sort()) {
    const path = join('/dev', name);
    const st = statSync(path);
    if (!st.isBlockDevice()) continue;
    try {
      closeSync(openSync(path, 'r'));
    } catch {
      continue;
    }
    // dev_t: major in bits 8-19, minor in bits 0-7 and 20-31 (glibc's gnu_dev_major/minor).
    return { major: Math.floor(st.rdev / 0x100) & 0xfff, minor: (st.rdev & 0xff) | (Math.floor(st.rdev / 0x1000) & 0xfff00) };
  }
  throw new Error('no block device in /dev can be opened read-only by this process: nothing to test the refusal against');
}

function scratchDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-devbpf-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs PROBE in a shell, placed in the cgroup first when a manager is given; results by name. */
async function probe(children: ChildProcess[], dir: string, manager?: CgroupManager): Promise<Map<string, string>> {
  const disk = openableBlockDevice();
  const child = spawn('sh', ['-c', PROBE], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { PATH: process.env.PATH, D: dir, DISK_MAJOR: String(disk.major), DISK_MINOR: String(disk.minor) },
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => { out += String(d); });
  if (manager) {
    place(manager, 'c', child.pid!);
    assert.deepEqual(await manager.pids('c'), [child.pid]);
  }
  child.stdin!.end('go\n');
  await exited(child);
  const results = new Map<string, string>();
  for (const line of out.split('\n').filter(Boolean)) {
    const [name, ...rest] = line.split(' ');
    results.set(name, rest.join(' ').trim());
  }
  return results;
}

async function v2ManagerWithDevices(t: { after(fn: () => Promise<void> | void): void }, children: ChildProcess[], devices: DeviceRule[]): Promise<CgroupManager> {
  const parent = randomParent();
  cleanUpAfter(t, parent, children);
  const manager = await createCgroupManager({ parent, mountinfo: MOUNTINFO, deviceProgramLoader: shimDeviceProgramLoader(SHIM) });
  assert.equal(manager.version, 'v2');
  await manager.create('c', { devices });
  return manager;
}

test('Docker defaults on cgroup v2: /dev/null and /dev/zero work, other nodes may be made but not opened', { skip }, async (t) => {
  const children: ChildProcess[] = [];
  const manager = await v2ManagerWithDevices(t, children, DOCKER_DEVICE_RULES.map((r) => ({ ...r })));
  const inside = await probe(children, scratchDir(t), manager);
  for (const name of ['read-null', 'read-zero', 'write-null', 'mknod-char-1-3', 'open-char-1-3', 'mknod-char-1-1', 'mknod-block']) {
    assert.equal(inside.get(name), 'ok', `${name} inside the cgroup`);
  }
  for (const name of ['open-fuse', 'open-char-1-1', 'open-block']) {
    assert.match(inside.get(name) ?? 'missing', new RegExp(`^fail .*${EPERM}`), `${name} inside the cgroup`);
  }
  // The same probe outside: the block device and /dev/fuse open, c 1:1 (no /dev/mem driver here) fails otherwise.
  const outside = await probe(children, scratchDir(t));
  assert.equal(outside.get('open-block'), 'ok', 'a root shell outside the cgroup opens the block device');
  assert.equal(outside.get('open-fuse'), 'ok');
  assert.doesNotMatch(outside.get('open-char-1-1') ?? '', new RegExp(EPERM));
  // A program attached to a cgroup does not keep it from being removed.
  await manager.destroy('c');
  assert.deepEqual(await manager.list(), []);
});

test('mknod is allowed only for the types given "m": char yes, block no', { skip }, async (t) => {
  const children: ChildProcess[] = [];
  const manager = await v2ManagerWithDevices(t, children, [
    { allow: false, type: 'a', major: -1, minor: -1, access: 'rwm' },
    { allow: true, type: 'c', major: -1, minor: -1, access: 'm' },
    { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
  ]);
  const inside = await probe(children, scratchDir(t), manager);
  assert.equal(inside.get('mknod-char-1-3'), 'ok');
  assert.equal(inside.get('open-char-1-3'), 'ok');
  assert.equal(inside.get('mknod-char-1-1'), 'ok');
  assert.match(inside.get('mknod-block') ?? 'missing', new RegExp(`^fail .*${EPERM}`));
  assert.match(inside.get('read-zero') ?? 'missing', /^fail/, '/dev/zero (c 1:5) is not in this list');
});

test('berth-shim devices failures name the step and the directory', { skip }, async (t) => {
  const notCgroup = scratchDir(t);
  const docker = compileDeviceProgram(DOCKER_DEVICE_RULES).bytes;
  const load = shimDeviceProgramLoader(SHIM);
  await assert.rejects(load(notCgroup, docker), (err: any) => err.code === 'CGROUP_FAILED' && err.details.step === 'attach'
    && err.message === `attach device program to ${notCgroup}: bpf BPF_PROG_ATTACH BPF_CGROUP_DEVICE to ${notCgroup} (not a cgroup v2 directory): Bad file descriptor`);
  await assert.rejects(load(join(notCgroup, 'missing'), docker), (err: any) => err.details.step === 'open'
    && err.message.endsWith(`open ${join(notCgroup, 'missing')}: No such file or directory`));
  // exit without setting r0: the verifier's words come back in the error.
  const bad = new Uint8Array([0x95, 0, 0, 0, 0, 0, 0, 0]);
  await assert.rejects(load(notCgroup, bad), (err: any) => err.details.step === 'load' && /BPF_PROG_LOAD .*\(1 instructions\).*verifier: .*R0 !read_ok/.test(err.message));
  await assert.rejects(load(notCgroup, new Uint8Array(5)), (err: any) => err.details.step === 'read' && /5 bytes is not a non-empty array of 8-byte struct bpf_insn/.test(err.message));
  await assert.rejects(shimDeviceProgramLoader(join(notCgroup, 'no-shim'))(notCgroup, docker),
    (err: any) => err.details.step === 'spawn' && err.message.endsWith(`spawn ${join(notCgroup, 'no-shim')}: ENOENT`));
});
