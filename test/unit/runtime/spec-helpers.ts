// Shared fixtures for the spec/resolve/bundle/plan unit tests: temp dirs that clean themselves up.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { BerthError } from '../../../agent/errors.js';

/** A temp dir removed when the test ends (pass or fail). */
export function tempDir(t: TestContext, prefix = 'berth-spec-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes files (path relative to root → content) and returns root. */
export function writeTree(root: string, files: Record<string, string>): string {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

export const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'alice:x:1000:1000:Alice:/home/alice:/bin/sh',
  'bob:x:1001:1001::/home/bob:/bin/sh',
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false',
].join('\n') + '\n';

export const GROUP = [
  'root:x:0:',
  'daemon:x:1:',
  'wheel:x:10:alice,bob',
  'audio:x:29:alice',
  'alice:x:1000:',
  'bob:x:1001:',
  'staff:x:50:',
  'nogroup:x:65534:',
].join('\n') + '\n';

/** A rootfs with etc/passwd and etc/group. */
export function fixtureRootfs(t: TestContext): string {
  const root = join(tempDir(t, 'berth-rootfs-'), 'rootfs');
  return writeTree(root, { 'etc/passwd': PASSWD, 'etc/group': GROUP, 'bin/.keep': '' });
}

/** Asserts an INVALID_SPEC whose details.field and message both name `field`. */
export function assertInvalid(fn: () => unknown, field: string, message?: RegExp): BerthError {
  let caught: unknown;
  try { fn(); } catch (err) { caught = err; }
  assert.ok(caught instanceof BerthError, `expected a BerthError for ${field}, got ${String(caught)}`);
  assert.equal(caught.code, 'INVALID_SPEC');
  assert.equal(caught.details?.field, field, `details.field of: ${caught.message}`);
  assert.ok(caught.message.startsWith(`${field}: `), `message should start with "${field}: ": ${caught.message}`);
  if (message) assert.match(caught.message, message);
  return caught;
}

export async function assertRejectsInvalid(promise: Promise<unknown>, field: string, message?: RegExp): Promise<BerthError> {
  let caught: unknown;
  try { await promise; } catch (err) { caught = err; }
  assert.ok(caught instanceof BerthError, `expected a BerthError, got ${String(caught)}`);
  assert.equal(caught.code, 'INVALID_SPEC');
  assert.equal(caught.details?.field, field, `details.field of: ${caught.message}`);
  if (message) assert.match(caught.message, message);
  return caught;
}

const FIXTURES = new URL('../../fixtures/runtime/', import.meta.url);

/** `runc spec` output; terminal off, since berth has no pty (and `runc run -d` would refuse it too). */
export function runcSpec(rootless = false): Record<string, any> {
  const json = JSON.parse(readFileSync(new URL(rootless ? 'runc-spec-rootless-config.json' : 'runc-spec-config.json', FIXTURES), 'utf8'));
  json.process.terminal = false;
  return json;
}

export function makeBundle(t: TestContext, config: unknown): string {
  const bundle = tempDir(t, 'berth-bundle-');
  writeTree(join(bundle, 'rootfs'), { 'etc/passwd': PASSWD, 'etc/group': GROUP });
  writeFileSync(join(bundle, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config, null, 2));
  return bundle;
}

