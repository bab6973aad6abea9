// `node --import ./test/helpers/trace-imports.mjs …`: every module the process loads, one URL per
// line on fd 3 (a test's pipe), through a resolve hook of node:module.
import { register } from 'node:module';

register(`data:text/javascript,${encodeURIComponent(`
import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  try { writeSync(3, r.url + '\\n'); } catch {}
  return r;
}`)}`, import.meta.url);
