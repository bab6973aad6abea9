// Shared fixtures of the policy unit tests: resolved specs from berth's real resolver (over the
// tiny rootfs the preset suites use) and policy files in a temporary folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import assert from 'node:assert/strict';
import { resolveSpec, validateSpec, type ContainerSpec, type ResolvedSpec } from '../../../agent/runtime/index.js';
import type { CelEnv } from '../../../agent/policy/cel.js';
import { parsePolicyText } from '../../../agent/policy/load.js';
import type { PolicySet } from '../../../agent/policy/schema.js';

export const SUITE_ROOTFS = resolve(import.meta.dirname, '../../../rules/tests/rootfs');

export async function resolved(spec: Partial<ContainerSpec> = {}, over: Partial<ResolvedSpec> = {}): Promise<ResolvedSpec> {
  const valid = validateSpec({ rootfs: SUITE_ROOTFS, cmd: ['/bin/sh'], ...spec }, { hostCpus: 2 });
  return { ...(await resolveSpec(valid, { hostCpus: 2 })), ...over };
}

/** The policies of one YAML text, which must load without issues. */
export function policySetOf(text: string, cel: CelEnv): PolicySet {
  const parsed = parsePolicyText(text, 'test.yaml', cel);
  assert.deepEqual(parsed.issues, []);
  return { policies: parsed.policies, exceptions: parsed.exceptions, files: ['test.yaml'], loadedAt: 0, warnings: [] };
}

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'berth-policy-'));
  write(name: string, text: string): string {
    const p = join(this.path, name);
    writeFileSync(p, text);
    return p;
  }
  remove(): void { rmSync(this.path, { recursive: true, force: true }); }
}

export function policyYaml(name: string, spec: string): string {
  return `apiVersion: berth.dev/v1\nkind: Policy\nmetadata: { name: ${name} }\nspec:\n${spec}`;
}
