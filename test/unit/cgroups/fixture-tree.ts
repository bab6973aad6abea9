// A temp copy of a fixture cgroup tree that behaves like cgroupfs where the managers need it:
// mkdir gets the files the kernel would create (from <fixture>-new/), rmdir removes a directory
// together with those files but refuses one that still has child cgroups.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { FixtureHooks } from '../../../agent/cgroups/index.js';

export const FIXTURES = resolve(import.meta.dirname, '../../fixtures/cgroups');

export interface FixtureTree { root: string; hooks: FixtureHooks; read(path: string): string; write(path: string, text: string): void; cleanup(): void }

export function fixtureTree(kind: 'v1' | 'v2'): FixtureTree {
  const base = mkdtempSync(join(tmpdir(), `berth-cgroups-${kind}-`));
  const root = join(base, kind);
  cpSync(join(FIXTURES, kind), root, { recursive: true });
  const template = join(FIXTURES, `${kind}-new`);
  const hooks: FixtureHooks = {
    populate(dir) {
      if (kind === 'v2') return cpSync(template, dir, { recursive: true });
      // A comounted hierarchy ("cpu,cpuacct") gets the files of each of its controllers.
      for (const controller of relative(root, dir).split('/')[0].split(',')) {
        if (existsSync(join(template, controller))) cpSync(join(template, controller), dir, { recursive: true });
      }
    },
    remove(dir) {
      const entries = readdirSync(dir, { withFileTypes: true }); // throws ENOENT like rmdir
      if (entries.some((e) => e.isDirectory())) throw Object.assign(new Error(`EBUSY: rmdir ${dir}`), { code: 'EBUSY' });
      rmSync(dir, { recursive: true });
    },
  };
  return {
    root,
    hooks,
    read: (path) => readFileSync(join(root, path), 'utf8'),
    write: (path, text) => writeFileSync(join(root, path), text),
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

export function mountinfo(name: string): string {
  return readFileSync(join(FIXTURES, 'mountinfo', `${name}.txt`), 'utf8');
}
