// Reads a config file (YAML, or JSON, which YAML 1.2 parses too) into key/value entries that
// remember their line, so a bad value is reported as `FILE:LINE: key: problem`.
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isScalar } from 'yaml';
import { BerthError, isErrno } from './errors.js';

export interface FileEntry { key: string; value: unknown; where: string }

export function readConfigFile(file: string): FileEntry[] {
  const text = readText(file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 0 : lineCounter.linePos(offset).line);
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new BerthError('INVALID_CONFIG', `${file}:${lineOf(e.pos[0])}: ${e.message.split('\n')[0]}`, { file });
  }
  if (doc.contents === null) return [];
  if (!isMap(doc.contents)) throw new BerthError('INVALID_CONFIG', `${file}: expected a mapping of settings at the top level`, { file });
  return doc.contents.items.map((pair) => {
    const keyNode = pair.key;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    const line = lineOf(isScalar(keyNode) ? keyNode.range?.[0] : undefined);
    const value = isScalar(pair.value) ? pair.value.value : (pair.value as { toJSON?: () => unknown } | null)?.toJSON?.() ?? null;
    return { key, value, where: `${file}:${line}: ${key}` };
  });
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) throw new BerthError('INVALID_CONFIG', `read config file ${file}: no such file`, { file });
    throw new BerthError('INVALID_CONFIG', `read config file ${file}: ${(err as Error).message}`, { file }, { cause: err });
  }
}
