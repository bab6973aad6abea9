// Where berth is installed, found by walking up to its package.json: the same code runs from
// agent/*.ts (tsx) and from dist/agent/*.js (built), so paths like dist/bin/berth-shim and the
// version must not depend on the file's own depth.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface PackageInfo { root: string; name: string; version: string }

export function findPackageInfo(startDir: string = import.meta.dirname): PackageInfo {
  for (let dir = startDir; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'berth') return { root: dir, name: pkg.name, version: pkg.version ?? '0.0.0' };
    }
    if (dirname(dir) === dir) throw new Error(`find berth's package.json: none above ${startDir}`);
  }
}
