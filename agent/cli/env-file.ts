// `--env-file` / `--label-file`: docker's line format (docker/cli opts/file.go). One K=V per line,
// taken as written (no quotes removed); blank lines and lines starting with # are skipped; a
// line that is only a name takes the value from this shell, or is dropped when it is unset.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

type Fail = (flag: string, msg: string) => Error;

export function readKeyValueFile(path: string, flag: string, cwd: string, env: NodeJS.ProcessEnv, fail: Fail): string[] {
  const file = resolve(cwd, path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw fail(flag, `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(bytes);
  const out: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const where = `${file}:${index + 1}`;
    if (raw.includes('\uFFFD')) throw fail(flag, `${where}: not valid UTF-8`);
    const line = raw.replace(/\r$/, '').trimStart();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq < 0 ? line.trimEnd() : line.slice(0, eq);
    if (name === '') throw fail(flag, `${where}: no variable name in "${line}"`);
    if (/\s/.test(name)) throw fail(flag, `${where}: the name "${name}" contains whitespace`);
    if (eq >= 0) out.push(line);
    else if (env[name] !== undefined) out.push(`${name}=${env[name]}`);
  });
  return out;
}
