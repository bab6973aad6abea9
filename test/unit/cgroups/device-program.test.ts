// The cgroup v2 device program: rules → v1 state (runc's emulator semantics) → eBPF bytes, run in
// a small interpreter (ebpf-interpreter.ts) for allow/deny of concrete device accesses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileDeviceProgram } from '../../../agent/cgroups/v2/device-program.js';
import { DOCKER_DEVICE_RULES } from '../../../agent/runtime/defaults.js';
import type { DeviceRule } from '../../../agent/cgroups/index.js';
import { runDeviceProgram, type DeviceAccess } from './ebpf-interpreter.js';

const ALLOW = 1;
const DENY = 0;
const ANY = -1;
const rule = (allow: boolean, type: DeviceRule['type'], major: number, minor: number, access = 'rwm'): DeviceRule =>
  ({ allow, type, major, minor, access });

function verdict(rules: readonly DeviceRule[], req: DeviceAccess): number {
  return runDeviceProgram(compileDeviceProgram(rules).bytes, req);
}

function dev(spec: string): DeviceAccess {
  const [type, nums, access] = spec.split(' ');
  const [major, minor] = nums.split(':').map(Number);
  return { type: type as 'b' | 'c', major, minor, access };
}

test('Docker defaults: every allowed node opens read-write, with each access alone and together', () => {
  const allowed = ['1:3', '1:5', '1:7', '1:8', '1:9', '5:0', '5:1', '5:2', '136:0', '136:7', '136:1048575', '10:200'];
  for (const nums of allowed) {
    for (const access of ['r', 'w', 'm', 'rw', 'rwm']) {
      assert.equal(verdict(DOCKER_DEVICE_RULES, dev(`c ${nums} ${access}`)), ALLOW, `c ${nums} ${access}`);
    }
  }
});

test('Docker defaults: other char and block devices may be created (c/b *:* m) but not opened', () => {
  const outside = ['c 1:1', 'c 1:11', 'c 4:0', 'c 10:229', 'c 137:0', 'c 5:3', 'b 8:0', 'b 1:3', 'b 259:0', 'b 136:0'];
  for (const d of outside) {
    assert.equal(verdict(DOCKER_DEVICE_RULES, dev(`${d} m`)), ALLOW, `${d} m`);
    for (const access of ['r', 'w', 'rw', 'rm', 'rwm']) assert.equal(verdict(DOCKER_DEVICE_RULES, dev(`${d} ${access}`)), DENY, `${d} ${access}`);
  }
});

test('Docker defaults: the 10:229 (/dev/fuse) deny leaves no exception behind, and 1:3 is not a block device', () => {
  const { state } = compileDeviceProgram(DOCKER_DEVICE_RULES);
  assert.equal(state.defaultAllow, false);
  assert.equal(state.exceptions.some((e) => e.major === 10 && e.minor === 229), false);
  assert.equal(verdict(DOCKER_DEVICE_RULES, dev('c 10:229 rw')), DENY);
  assert.equal(verdict(DOCKER_DEVICE_RULES, dev('b 1:3 r')), DENY);
});

test('wildcards: major-only, minor-only and type-wide rules', () => {
  const rules = [rule(false, 'a', ANY, ANY), rule(true, 'c', 136, ANY), rule(true, 'b', ANY, 0, 'r'), rule(true, 'c', ANY, ANY, 'm')];
  assert.equal(verdict(rules, dev('c 136:99 rw')), ALLOW);
  assert.equal(verdict(rules, dev('c 135:99 rw')), DENY);
  assert.equal(verdict(rules, dev('b 8:0 r')), ALLOW);
  assert.equal(verdict(rules, dev('b 8:1 r')), DENY);
  assert.equal(verdict(rules, dev('b 8:0 w')), DENY);
  assert.equal(verdict(rules, dev('c 4242:17 m')), ALLOW);
  assert.equal(verdict(rules, dev('b 4242:17 m')), DENY);
});

test('access subsets: a request is allowed only when one exception covers all of it', () => {
  const readOnly = [rule(false, 'a', ANY, ANY), rule(true, 'c', 1, 3, 'r')];
  assert.equal(verdict(readOnly, dev('c 1:3 r')), ALLOW);
  assert.equal(verdict(readOnly, dev('c 1:3 w')), DENY);
  assert.equal(verdict(readOnly, dev('c 1:3 rw')), DENY);
  // Rules for the same node merge (v1 adds access bits to the existing exception) …
  const merged = [...readOnly, rule(true, 'c', 1, 3, 'w')];
  assert.equal(verdict(merged, dev('c 1:3 rw')), ALLOW);
  // … and a later deny of the same node takes bits away again.
  const narrowed = [...merged, rule(false, 'c', 1, 3, 'w')];
  assert.equal(verdict(narrowed, dev('c 1:3 r')), ALLOW);
  assert.equal(verdict(narrowed, dev('c 1:3 w')), DENY);
});

test('order is v1 replay: an "a" rule resets what came before (runc TestDeviceFilter_Weird)', () => {
  const rules = [rule(false, 'b', 8, 1), rule(true, 'a', ANY, ANY), rule(false, 'b', 8, 2)];
  assert.equal(verdict(rules, dev('b 8:1 rw')), ALLOW, 'the deny before allow-all was wiped');
  assert.equal(verdict(rules, dev('b 8:2 r')), DENY);
  assert.equal(verdict(rules, dev('c 8:2 r')), ALLOW);
  assert.equal(verdict(rules, dev('b 8:2 m')), DENY);
});

test('privileged (a *:* rwm allow) allows everything; no rules at all deny everything (as runc)', () => {
  const all = compileDeviceProgram([rule(true, 'a', ANY, ANY)]);
  assert.equal(all.instructions, 8, 'six context loads, then return 1');
  for (const d of ['c 1:1 rwm', 'b 8:0 rw', 'c 10:229 r']) assert.equal(runDeviceProgram(all.bytes, dev(d)), ALLOW, d);
  for (const d of ['c 1:3 r', 'b 8:0 m']) assert.equal(verdict([], dev(d)), DENY, d);
});

test('a deny inside an earlier wildcard allow is refused, naming the rule (v1 would ignore it)', () => {
  const rules = [rule(false, 'a', ANY, ANY), rule(true, 'c', ANY, ANY), rule(false, 'c', 10, 229)];
  assert.throws(() => compileDeviceProgram(rules), (err: any) => err.code === 'INVALID_SPEC'
    && err.message === 'resources.devices[2]: deny c 10:229 rwm cuts a hole in the earlier allow c *:* rwm, which device cgroups cannot express (v1 would silently ignore it)');
  // Disjoint access bits are no hole: c *:* m and a deny of c 10:229 rw.
  const disjoint = [rule(false, 'a', ANY, ANY), rule(true, 'c', ANY, ANY, 'm'), rule(false, 'c', 10, 229, 'rw')];
  assert.equal(verdict(disjoint, dev('c 10:229 m')), ALLOW);
});

test('device numbers beyond a dev_t are refused with the rule index', () => {
  assert.throws(() => compileDeviceProgram([rule(true, 'c', 4096, 0)]), /resources\.devices\[0\]: c 4096:0 rwm is outside what a device number holds/);
  assert.throws(() => compileDeviceProgram([rule(false, 'a', ANY, ANY), rule(true, 'b', 8, 1 << 20)]), /resources\.devices\[1\]: b 8:1048576 rwm/);
});

test('encoding: struct bpf_insn little-endian, dst in the low nibble, jumps land on the next block', () => {
  const { bytes, instructions } = compileDeviceProgram([rule(false, 'a', ANY, ANY), rule(true, 'b', 8, 0, 'r')]);
  assert.equal(bytes.length, instructions * 8);
  // ldxw r2, [r1+0]
  assert.deepEqual([...bytes.subarray(0, 8)], [0x61, 0x12, 0, 0, 0, 0, 0, 0]);
  // and32 r2, 0xffff
  assert.deepEqual([...bytes.subarray(8, 16)], [0x54, 0x02, 0, 0, 0xff, 0xff, 0, 0]);
  // block: jne r2,1 / mov32 r1,r3 / and32 r1,2 / jne r1,r3 / jne r4,8 / jne r5,0 / mov32 r0,1 / exit
  const block = bytes.subarray(6 * 8, 14 * 8);
  const view = new DataView(block.buffer, block.byteOffset);
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7].map((i) => block[i * 8]), [0x55, 0xbc, 0x54, 0x5d, 0x55, 0x55, 0xb4, 0x95]);
  assert.deepEqual([0, 3, 4, 5].map((i) => view.getInt16(i * 8 + 2, true)), [7, 4, 3, 2], 'each jump skips to the block after');
  assert.deepEqual([1, 2].map((i) => view.getInt16(i * 8 + 2, true)), [0, 0], 'ALU ops keep off 0');
  assert.equal(block[3 * 8 + 1], 0x31, 'jne r1, r3: src 3, dst 1');
});

test('the program agrees with the emulated state for every device on a grid, for several rule sets', () => {
  const sets: DeviceRule[][] = [
    [...DOCKER_DEVICE_RULES],
    [rule(true, 'a', ANY, ANY), rule(false, 'b', ANY, ANY, 'w'), rule(false, 'c', 1, ANY, 'r')],
    [rule(false, 'a', ANY, ANY), rule(true, 'c', 1, ANY, 'rw'), rule(true, 'b', ANY, 3, 'm'), rule(true, 'c', 2, 3, 'r'), rule(true, 'c', 2, 3, 'm')],
  ];
  for (const rules of sets) {
    const { bytes, state } = compileDeviceProgram(rules);
    for (const type of ['b', 'c'] as const) {
      for (const major of [0, 1, 2, 5, 8, 10, 136, 4095]) {
        for (const minor of [0, 1, 3, 229, 1048575]) {
          for (const access of ['m', 'r', 'w', 'rw', 'rwm']) {
            const req = { type, major, minor, access };
            const bits = (access.includes('m') ? 1 : 0) | (access.includes('r') ? 2 : 0) | (access.includes('w') ? 4 : 0);
            const hit = state.exceptions.some((e) => e.type === type && (e.major === ANY || e.major === major)
              && (e.minor === ANY || e.minor === minor) && (e.access & bits) === bits);
            assert.equal(runDeviceProgram(bytes, req), Number(hit !== state.defaultAllow), JSON.stringify(req));
          }
        }
      }
    }
  }
});
