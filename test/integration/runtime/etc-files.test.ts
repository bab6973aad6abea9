// /etc/hosts, /etc/hostname and /etc/resolv.conf as real containers from a rootfs see them:
// localhost and their own name resolve, --add-host and --dns land, the rootfs' own files stay as
// they were, edits survive a start again, and the host's network namespace gets the host's files.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { eachLine, sh, startHarness, type Harness } from './harness.js';

let h: Harness;
let rootfs: string;
before(async () => {
  h = await startHarness();
  rootfs = join(mkdtempSync(join(tmpdir(), 'berth-etc-')), 'rootfs');
  cpSync(h.rootfs, rootfs, { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(rootfs, 'etc/hosts'), 'image hosts\n');
});
after(async () => {
  await h?.cleanup();
  if (rootfs) rmSync(join(rootfs, '..'), { recursive: true, force: true });
});

test('localhost and the container\'s own name resolve; --add-host and --dns are in its files; the rootfs keeps its own', async () => {
  const out = await sh(h.runtime, rootfs, [
    'ping -c1 -W2 localhost >/dev/null && echo localhost=ok', 'ping -c1 -W2 "$(hostname)" >/dev/null && echo self=ok',
    'grep -q "^10.0.0.5\tdb$" /etc/hosts && echo added=ok', 'grep "^nameserver" /etc/resolv.conf', 'cat /etc/hostname',
  ].join('; '), { hostname: 'probe', extraHosts: ['db:10.0.0.5'], dns: ['192.0.2.53'], dnsOptions: ['ndots:2'] });
  assert.equal(out, 'localhost=ok\nself=ok\nadded=ok\nnameserver 192.0.2.53\nprobe\n');
  assert.equal(readFileSync(join(rootfs, 'etc/hosts'), 'utf8'), 'image hosts\n');
});

test('with a read-only rootfs the files are read-only; otherwise edits are the container\'s and survive a start again', async () => {
  assert.equal(await sh(h.runtime, rootfs, 'echo x >> /etc/hosts 2>/dev/null && echo writable || echo read-only', { readOnlyRootfs: true }), 'read-only\n');
  const c = await h.runtime.create({ rootfs, cmd: ['sh', '-c', 'grep -c edited /etc/hosts; echo "1.2.3.4 edited" >> /etc/hosts'] });
  try {
    const runOnce = async () => { await h.runtime.start(c.id); await h.runtime.wait(c.id); };
    await runOnce();
    // A container made before berth wrote these files has none in its state dir: the next start writes them.
    rmSync(join(h.stateDir, 'containers', c.id, 'resolv.conf'));
    await runOnce();
    const lines = [];
    for await (const l of eachLine(h.runtime.logs(c.id, {}))) lines.push(l.line);
    assert.deepEqual(lines, ['0', '1']);
    assert.ok(existsSync(join(h.stateDir, 'containers', c.id, 'resolv.conf')), 'written again');
  } finally {
    await h.runtime.remove(c.id, true);
  }
  assert.equal(readFileSync(join(rootfs, 'etc/hosts'), 'utf8'), 'image hosts\n');
});

test('with a user namespace of its own: bound from a state dir its root cannot search, only over files the rootfs has', async () => {
  chmodSync(join(rootfs, '..'), 0o711); // the mapped root must reach the rootfs itself
  const searchable = (path: string) => (statSync(path).mode & 0o001) !== 0;
  assert.ok(!searchable(join(h.stateDir, '..')), 'the state dir\'s parent is 0700: init could not open the files by path');
  rmSync(join(rootfs, 'etc/resolv.conf'), { force: true }); // (a mount point an earlier test's container made)
  const map = [{ containerId: 0, hostId: 100000, size: 65536 }];
  const out = await sh(h.runtime, rootfs, 'id -u; grep -c "^127.0.0.1	localhost$" /etc/hosts; test -e /etc/resolv.conf && echo resolv || echo no-resolv',
    { uidMappings: map, gidMappings: map });
  assert.equal(out, '0\n1\nno-resolv\n');
});

test('in the host\'s network namespace: the host\'s name, hosts file (plus --add-host) and resolv.conf', async () => {
  const out = await sh(h.runtime, rootfs, 'hostname; echo ---; cat /etc/hosts; echo ---; cat /etc/resolv.conf',
    { namespaces: { net: 'host' }, extraHosts: ['db:10.0.0.5'] });
  const hostFile = (path: string) => { try { return readFileSync(path, 'utf8'); } catch { return ''; } };
  const [name, hosts, resolv] = out.split('---\n');
  assert.equal(name, `${hostname()}\n`);
  assert.equal(hosts, `${hostFile('/etc/hosts')}${hostFile('/etc/hosts').endsWith('\n') ? '' : '\n'}10.0.0.5\tdb\n`);
  assert.equal(resolv, hostFile('/etc/resolv.conf'));
});
