// The plan encoder: records in the documented order and shape (agent/native/PLAN.md), no
// escaping (any byte but NUL passes through), caps as hex, seccomp as hex, and clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeExecPlan, encodeLaunchPlan } from '../../../agent/runtime/plan-format.js';
import type { ExecPlan, LaunchPlan } from '../../../agent/runtime/plan-types.js';
import { BerthError } from '../../../agent/errors.js';

function launchPlan(over: Partial<LaunchPlan> = {}): LaunchPlan {
  return {
    version: 1, id: 'c1', stateDir: '/s', rootfs: '/r', readOnlyRootfs: false,
    namespaces: [{ type: 'pid', path: '' }, { type: 'net', path: '/proc/9/ns/net' }],
    uidMappings: [], gidMappings: [], hostname: 'h', domainname: '',
    mounts: [{ source: 'proc', target: '/proc', fstype: 'proc', flags: 14, data: '', create: 'dir', remount: false }],
    devices: [{ path: '/dev/null', type: 'c', major: 1, minor: 3, mode: 0o666, uid: 0, gid: 0 }],
    symlinks: [{ target: 'pts/ptmx', link: '/dev/ptmx' }], maskedPaths: ['/proc/kcore'], readonlyPaths: ['/proc/sys'],
    sysctls: { 'net.ipv4.ip_forward': '1' }, rlimits: [{ resource: 7, soft: 1024, hard: 'unlimited' }],
    uid: 1000, gid: 1000, additionalGids: [10, 20],
    capabilities: { bounding: 0xa80425fbn, effective: 0xa80425fbn, permitted: 1n << 40n },
    noNewPrivileges: true, oomScoreAdj: -5, cgroupProcs: ['/sys/fs/cgroup/pids/x/cgroup.procs'], cwd: '/',
    args: ['sh', '-c', 'echo "a b"\n'], env: ['PATH=/bin', 'EMPTY='],
    logPath: '/s/container.log', exitPath: '/s/exit.json', startFifo: '/s/start.fifo', ...over,
  };
}

/** Decodes the wire format back into [kind, fields] pairs, checking the framing on the way. */
function records(buf: Buffer): [string, string[]][] {
  const tokens = buf.toString('utf8').split('\0');
  assert.equal(tokens.pop(), '', 'ends with a NUL');
  assert.deepEqual(tokens.splice(0, 2), ['BERTHPLAN', '1']);
  const out: [string, string[]][] = [];
  while (tokens.length) {
    const kind = tokens.shift()!;
    const n = Number(tokens.shift());
    assert.ok(Number.isInteger(n) && n >= 0, `count of ${kind}`);
    out.push([kind, tokens.splice(0, n)]);
  }
  assert.deepEqual(out.at(-1), ['end', []]);
  return out.slice(0, -1);
}

test('a launch plan encodes every field as a record, in plan order for lists', () => {
  const recs = records(encodeLaunchPlan(launchPlan()));
  const get = (k: string) => recs.filter(([kind]) => kind === k).map(([, f]) => f);
  assert.deepEqual(get('id'), [['c1']]);
  assert.deepEqual(get('ns'), [['pid', ''], ['net', '/proc/9/ns/net']]);
  assert.deepEqual(get('mount'), [['proc', '/proc', 'proc', '14', '', 'dir', '0']]);
  assert.deepEqual(get('device'), [['/dev/null', 'c', '1', '3', '666', '0', '0']]);
  assert.deepEqual(get('symlink'), [['pts/ptmx', '/dev/ptmx']]);
  assert.deepEqual(get('sysctl'), [['net.ipv4.ip_forward', '1']]);
  assert.deepEqual(get('rlimit'), [['7', '1024', 'unlimited']]);
  assert.deepEqual(get('user'), [['1000', '1000']]);
  assert.deepEqual(get('groups'), [['10', '20']]);
  assert.deepEqual(get('caps'), [['a80425fb', 'a80425fb', '10000000000']]);
  assert.deepEqual(get('no_new_privs'), [['1']]);
  assert.deepEqual(get('oom_score_adj'), [['-5']]);
  assert.deepEqual(get('args'), [['sh', '-c', 'echo "a b"\n']], 'spaces, quotes and newlines pass unescaped');
  assert.deepEqual(get('env'), [['PATH=/bin', 'EMPTY=']]);
  assert.deepEqual(get('seccomp'), [], 'absent = unconfined');
  assert.deepEqual(get('start_fifo'), [['/s/start.fifo']]);
  assert.deepEqual(get('log_rotate'), [], 'absent = never rotated');
  assert.deepEqual(get('exit_reserve'), [], 'absent = temp + rename');
  assert.deepEqual(records(encodeLaunchPlan(launchPlan({ exitReservePath: '/s/exit.json.reserve' }))).filter(([k]) => k === 'exit_reserve').map(([, f]) => f),
    [['/s/exit.json.reserve']]);
  assert.deepEqual(get('domainname'), [], 'absent = not set');
  assert.deepEqual(records(encodeLaunchPlan(launchPlan({ domainname: 'corp.example' }))).filter(([k]) => k === 'domainname').map(([, f]) => f),
    [['corp.example']]);
  assert.deepEqual(records(encodeLaunchPlan(launchPlan({ logRotate: { maxBytes: 10485760, maxFiles: 3 } }))).filter(([k]) => k === 'log_rotate').map(([, f]) => f),
    [['10485760', '3']]);
});

test('empty lists and an empty hostname produce no records, variable lists may be empty', () => {
  const recs = records(encodeLaunchPlan(launchPlan({ hostname: '', additionalGids: [], env: [], mounts: [] })));
  const kinds = recs.map(([k]) => k);
  assert.equal(kinds.includes('hostname'), false);
  assert.equal(kinds.includes('mount'), false);
  assert.deepEqual(recs.find(([k]) => k === 'groups'), ['groups', []]);
  assert.deepEqual(recs.find(([k]) => k === 'env'), ['env', []]);
});

test('the seccomp program is hex of its bytes and must be whole sock_filter entries', () => {
  const prog = new Uint8Array([0x06, 0, 0, 0, 0, 0, 0xff, 0x7f]); // BPF_RET|BPF_K SECCOMP_RET_ALLOW
  const recs = records(encodeLaunchPlan(launchPlan({ seccomp: prog })));
  assert.deepEqual(recs.find(([k]) => k === 'seccomp'), ['seccomp', ['060000000000ff7f']]);
  assert.throws(() => encodeLaunchPlan(launchPlan({ seccomp: prog.subarray(0, 5) })), /seccomp: .*8 bytes each\), got 5 bytes/);
});

test('NUL inside a field is an error naming the field', () => {
  assert.throws(() => encodeLaunchPlan(launchPlan({ args: ['sh', 'a\0b'] })),
    (err: unknown) => err instanceof BerthError && /launch plan args\[1\]: contains a NUL byte/.test(err.message));
  assert.throws(() => encodeLaunchPlan(launchPlan({ env: ['A=\0'] })), /env\[0\]: contains a NUL/);
  assert.throws(() => encodeLaunchPlan(launchPlan({ mounts: [{ ...launchPlan().mounts[0], data: 'x\0' }] })), /mounts\[0\]\[4\]: contains a NUL/);
});

test('bad numbers are errors naming the field', () => {
  assert.throws(() => encodeLaunchPlan(launchPlan({ uid: -1 })), /uid: must be a non-negative integer, got -1/);
  assert.throws(() => encodeLaunchPlan(launchPlan({ oomScoreAdj: 1.5 })), /oomScoreAdj\[0\]: must be an integer, got 1.5/);
  assert.throws(() => encodeLaunchPlan(launchPlan({ capabilities: { bounding: -1n, effective: 0n, permitted: 0n } })),
    /capabilities\[0\]: capability mask must not be negative/);
  assert.throws(() => encodeLaunchPlan(launchPlan({ args: [] })), /args: must name a command/);
});

test('an exec plan has init_pid, ns types only, its delivery (id, stdio socket) and the process records', () => {
  const plan: ExecPlan = {
    version: 1, initPid: 42, namespaces: ['user', 'mnt'], cgroupProcs: [], rootfs: '/r', stdin: true, uid: 0, gid: 0,
    additionalGids: [], capabilities: { bounding: 0n, effective: 0n, permitted: 0n }, noNewPrivileges: false,
    rlimits: [], cwd: '/tmp', args: ['ls'], env: [],
  };
  const recs = records(encodeExecPlan(plan, { id: 'exec-1', stdioSocket: '/state/exec.sock' }));
  assert.deepEqual(recs.slice(0, 7), [['init_pid', ['42']], ['ns', ['user']], ['ns', ['mnt']], ['rootfs', ['/r']],
    ['id', ['exec-1']], ['stdio', ['/state/exec.sock']], ['stdin', ['1']]]);
  assert.deepEqual(recs.find(([k]) => k === 'caps'), ['caps', ['0', '0', '0']]);
  assert.equal(recs.some(([k]) => k === 'log' || k === 'start_fifo' || k === 'state_dir' || k === 'tty'), false);
  const withTty = records(encodeExecPlan({ ...plan, tty: { rows: 24, cols: 80 } }, { id: 'exec-1', stdioSocket: '/state/exec.sock' }));
  assert.deepEqual(withTty.find(([k]) => k === 'tty'), ['tty', ['24', '80']]);
});
