// Profile parsing (errors name the source and the JSON path) and compileSeccomp's profile sources.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { BerthError } from '../../../../agent/errors.js';
import {
  AUDIT_ARCH_X86_64, compileSeccomp, parseSeccompProfile, SECCOMP_RET, SeccompCompiler, SYSCALLS_X86_64,
} from '../../../../agent/runtime/seccomp/index.js';
import { load } from './bpf-vm.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-seccomp-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function invalidSpec(pattern: RegExp) {
  return (err: unknown) => {
    assert.ok(err instanceof BerthError, `BerthError, got ${String(err)}`);
    assert.equal(err.code, 'INVALID_SPEC');
    assert.match(err.message, pattern);
    return true;
  };
}

const base = { defaultAction: 'SCMP_ACT_ERRNO' };

describe('parseSeccompProfile errors name the source and JSON path', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not an object', [], /^seccomp profile bundle\/config\.json: \(top level\): must be an object, got \[\]/],
    ['missing defaultAction', {}, /defaultAction: must be a non-empty string, got nothing/],
    ['unknown action', { defaultAction: 'SCMP_ACT_MAYBE' }, /defaultAction: unknown action "SCMP_ACT_MAYBE" \(expected one of SCMP_ACT_KILL, /],
    ['typo at top level', { ...base, sycalls: [] }, /sycalls: unknown field/],
    ['notify', { ...base, syscalls: [{ names: ['read'], action: 'SCMP_ACT_NOTIFY' }] }, /syscalls\[0\]\.action: SCMP_ACT_NOTIFY .* not supported/],
    ['listener', { ...base, listenerPath: '/run/x.sock' }, /listenerPath: seccomp user notification .* not supported/],
    ['names empty', { ...base, syscalls: [{ names: [], action: 'SCMP_ACT_ALLOW' }] }, /syscalls\[0\]\.names: must list at least one syscall name/],
    ['name not a string', { ...base, syscalls: [{ names: ['read', 7], action: 'SCMP_ACT_ALLOW' }] }, /syscalls\[0\]\.names\[1\]: must be a non-empty string, got 7/],
    ['bad op', { ...base, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }, { names: ['write'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_ABOUT' }] }] },
      /syscalls\[1\]\.args\[0\]\.op: unknown operator "SCMP_CMP_ABOUT"/],
    ['index 6', { ...base, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }] },
      /syscalls\[0\]\.args\[0\]\.index: must be an integer 0\.\.5, got 6/],
    ['negative value', { ...base, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: -1, op: 'SCMP_CMP_EQ' }] }] },
      /syscalls\[0\]\.args\[0\]\.value: must be an unsigned 64-bit integer, got -1/],
    ['rounded value', { ...base, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2 ** 60, op: 'SCMP_CMP_EQ' }] }] },
      /args\[0\]\.value: 1152921504606846976 is above 2\^53 − 1 and lost precision/],
    ['errnoRet on ALLOW', { ...base, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', errnoRet: 1 }] },
      /syscalls\[0\]\.errnoRet: only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno/],
    ['errno too large', { ...base, defaultErrnoRet: 5000 }, /defaultErrnoRet: must be an integer 0\.\.4095, got 5000/],
    ['bad arch', { ...base, architectures: ['SCMP_ARCH_Z80'] }, /architectures\[0\]: unknown architecture "SCMP_ARCH_Z80"/],
    ['bad archMap', { ...base, archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['x86'] }] }, /archMap\[0\]\.subArchitectures\[0\]: unknown architecture "x86"/],
    ['bad flag', { ...base, flags: ['SECCOMP_FILTER_FLAG_FAST'] }, /flags\[0\]: unknown flag/],
    ['bad minKernel', { ...base, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: 'four' } }] },
      /syscalls\[0\]\.includes\.minKernel: must be "major\.minor" like "4\.8", got "four"/],
    ['minKernel in excludes', { ...base, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', excludes: { minKernel: '4.8' } }] },
      /syscalls\[0\]\.excludes\.minKernel: unknown field/],
  ];
  for (const [what, json, pattern] of cases) {
    it(what, () => assert.throws(() => parseSeccompProfile(json, 'bundle/config.json'), invalidSpec(pattern)));
  }

  it('reports JSON syntax errors with line and column', () => {
    const text = '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [\n    { "names": ["read"] "action": "SCMP_ACT_ALLOW" }\n  ]\n}\n';
    assert.throws(() => parseSeccompProfile(text, '/etc/p.json'), invalidSpec(/^seccomp profile \/etc\/p\.json: invalid JSON at line 4 column 25: Expected/));
  });

  it('accepts an OCI linux.seccomp object and Docker\'s profile shape', () => {
    const oci = parseSeccompProfile({
      defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
      flags: ['SECCOMP_FILTER_FLAG_SPEC_ALLOW'],
      syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
        { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, valueTwo: 0, op: 'SCMP_CMP_EQ' }] }],
    }, 'bundle');
    assert.equal(oci.syscalls.length, 2);
    assert.deepEqual(oci.flags, ['SECCOMP_FILTER_FLAG_SPEC_ALLOW']);
    const docker = parseSeccompProfile({
      defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1,
      archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }],
      syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_ALLOW', comment: '', includes: { minKernel: '4.8' }, excludes: {} },
        { name: 'mount', action: 'SCMP_ACT_ALLOW', args: null, includes: { caps: ['CAP_SYS_ADMIN'] } }],
    }, 'docker.json');
    assert.deepEqual(docker.syscalls[0]!.includes.minKernel, [4, 8]);
    assert.deepEqual(docker.syscalls[1]!.names, ['mount']);
    assert.deepEqual(docker.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  });
});

describe('compileSeccomp profile sources', () => {
  const allowReadProfile = JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 13,
    syscalls: [{ names: ['read', 'exit_group'], action: 'SCMP_ACT_ALLOW' }] });
  const readNr = SYSCALLS_X86_64.get('read')!;
  const writeNr = SYSCALLS_X86_64.get('write')!;
  const results = (program: Uint8Array | undefined) => {
    assert.ok(program);
    const vm = load(program);
    return [readNr, writeNr].map((nr) => vm.eval({ nr, arch: AUDIT_ARCH_X86_64 }));
  };

  it('"unconfined" compiles to nothing', () => {
    assert.equal(compileSeccomp('unconfined', []), undefined);
  });

  it('reads a profile file by absolute path and as localhost/<path>', (t) => {
    const file = join(tempDir(t), 'profile.json');
    writeFileSync(file, allowReadProfile);
    const expected = [SECCOMP_RET.ALLOW, (SECCOMP_RET.ERRNO | 13) >>> 0];
    assert.deepEqual(results(compileSeccomp(file, [])), expected);
    assert.deepEqual(results(compileSeccomp(`localhost/${file}`, [])), expected);
    assert.deepEqual(results(compileSeccomp(`localhost${file}`, [])), expected);
  });

  it('accepts the profile\'s JSON text itself', () => {
    assert.deepEqual(results(compileSeccomp(allowReadProfile, [])), [SECCOMP_RET.ALLOW, (SECCOMP_RET.ERRNO | 13) >>> 0]);
  });

  it('names the file when it is missing, not a file, or invalid', (t) => {
    const dir = tempDir(t);
    assert.throws(() => compileSeccomp(join(dir, 'nope.json'), []), invalidSpec(new RegExp(`read seccomp profile ${dir}/nope\\.json: no such file \\(ENOENT\\)`)));
    assert.throws(() => compileSeccomp(dir, []), invalidSpec(/not a regular file/));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALOW"}]}');
    assert.throws(() => compileSeccomp(bad, []), invalidSpec(new RegExp(`^seccomp profile ${bad}: syscalls\\[0\\]\\.action: unknown action "SCMP_ACT_ALOW"`)));
  });

  it('names JSON text by the caller\'s label (a bundle\'s linux.seccomp)', () => {
    const text = JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 9, value: 0, op: 'SCMP_CMP_EQ' }] }] });
    assert.throws(() => new SeccompCompiler().compile(text, [], 'bundle /b/config.json linux.seccomp'),
      invalidSpec(/^seccomp profile bundle \/b\/config\.json linux\.seccomp: syscalls\[0\]\.args\[0\]\.index: must be an integer 0\.\.5, got 9$/));
    assert.throws(() => compileSeccomp(text, []), invalidSpec(/^seccomp profile inline: syscalls\[0\]/));
  });

  it('refuses a relative path', () => {
    assert.throws(() => compileSeccomp('profiles/p.json', []), invalidSpec(/"profiles\/p\.json" is not "default", "unconfined", an absolute profile path/));
  });
});

describe('SeccompCompiler cache', () => {
  it('returns the same program as an uncached compile, as a copy the caller may change', () => {
    const compiler = new SeccompCompiler();
    const caps = ['CAP_CHOWN', 'CAP_KILL'];
    const first = compiler.compile('default', caps)!;
    first.fill(0);
    const second = compiler.compile('default', ['CAP_KILL', 'chown'])!;
    assert.deepEqual(second, compileSeccomp('default', caps));
    assert.notDeepEqual(compiler.compile('default', [...caps, 'CAP_SYS_ADMIN']), second);
  });

  it('picks up an edited profile file', (t) => {
    const file = join(tempDir(t), 'p.json');
    const compiler = new SeccompCompiler();
    const profile = (errno: number) => JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: errno, syscalls: [{ names: ['exit'], action: 'SCMP_ACT_ALLOW' }] });
    const readResult = () => load(compiler.compile(file, [])!).eval({ nr: 0, arch: AUDIT_ARCH_X86_64 });
    writeFileSync(file, profile(13));
    assert.equal(readResult(), (SECCOMP_RET.ERRNO | 13) >>> 0);
    writeFileSync(file, profile(22));
    assert.equal(readResult(), (SECCOMP_RET.ERRNO | 22) >>> 0);
  });
});

