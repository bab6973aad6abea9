// The /etc/hosts, /etc/hostname and /etc/resolv.conf a container from a rootfs gets (etc-files.ts),
// from fixed host files, and the validation of --add-host / --dns / --dns-search / --dns-option.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ensureEtcFiles, hostnameFile, hostsFile, readHostEtc, resolvConfFile, type EtcSpec, type HostEtc } from '../../../agent/runtime/etc-files.js';
import { validateSpec } from '../../../agent/runtime/spec.js';
import { NAMESPACE_TYPES, type NamespaceMode, type NamespaceType } from '../../../agent/runtime/types.js';
import { fixtureRootfs, tempDir, writeTree } from './spec-helpers.js';

const PRIVATE = Object.fromEntries(NAMESPACE_TYPES.map((t) => [t, 'private'])) as Record<NamespaceType, NamespaceMode>;

function etcSpec(over: Partial<EtcSpec> = {}): EtcSpec {
  return { hostname: 'f00dfeed1234', domainname: '', namespaces: PRIVATE, extraHosts: [], dns: [], dnsSearch: [], dnsOptions: [], ...over };
}

const HOST: HostEtc = {
  hostname: 'node7',
  hosts: '127.0.0.1 localhost\n10.1.2.3 node7.example.com node7\n',
  resolvConf: '# from DHCP\nnameserver 10.0.0.2\nnameserver 127.0.0.1\nsearch example.com\noptions edns0\n',
};

test('own network namespace: docker\'s default hosts, the host name on loopback, then --add-host lines', () => {
  assert.equal(hostsFile(etcSpec({ extraHosts: ['db:10.0.0.5', 'v6:::1'] }), HOST), [
    '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes', 'ff02::2\tip6-allrouters', '127.0.0.1\tf00dfeed1234', '10.0.0.5\tdb', '::1\tv6', '',
  ].join('\n'));
  assert.match(hostsFile(etcSpec({ domainname: 'corp' }), HOST), /^127\.0\.0\.1\tf00dfeed1234\.corp f00dfeed1234$/m);
  assert.doesNotMatch(hostsFile(etcSpec({ hostname: '' }), HOST), /^127\.0\.0\.1\t(?!localhost)/m, 'no name line without a host name (uts host)');
});

test('the host\'s network namespace: the host\'s hosts file plus --add-host lines, and the host\'s resolv.conf as is', () => {
  const spec = etcSpec({ namespaces: { ...PRIVATE, net: 'host' }, extraHosts: ['db:10.0.0.5'] });
  assert.equal(hostsFile(spec, HOST), `${HOST.hosts}10.0.0.5\tdb\n`);
  assert.equal(hostsFile(spec, { ...HOST, hosts: '127.0.0.1 localhost' }), '127.0.0.1 localhost\n10.0.0.5\tdb\n', 'a last line without newline');
  assert.equal(resolvConfFile(spec, HOST), HOST.resolvConf, 'its loopback resolver is reachable there');
});

test('resolv.conf in its own network namespace: loopback nameservers dropped, --dns/--dns-search/--dns-option replace theirs', () => {
  assert.equal(resolvConfFile(etcSpec(), HOST), '# from DHCP\nnameserver 10.0.0.2\nsearch example.com\noptions edns0\n');
  assert.equal(resolvConfFile(etcSpec({ dns: ['192.0.2.53', '2001:db8::53'], dnsSearch: ['a.test', 'b.test'], dnsOptions: ['ndots:2', 'timeout:1'] }), HOST),
    '# from DHCP\nnameserver 192.0.2.53\nnameserver 2001:db8::53\nsearch a.test b.test\noptions ndots:2 timeout:1\n');
  assert.equal(resolvConfFile(etcSpec({ dnsSearch: ['.'] }), { ...HOST, resolvConf: 'nameserver 10.0.0.2\ndomain x.test\n' }), 'nameserver 10.0.0.2\n');
  // A systemd-resolved stub: its upstream file instead; none at all: no nameserver rather than an invented one.
  const stub = { ...HOST, resolvConf: 'nameserver 127.0.0.53\noptions edns0 trust-ad\n', systemdResolvConf: 'nameserver 10.9.9.9\n' };
  assert.equal(resolvConfFile(etcSpec(), stub), 'nameserver 10.9.9.9\n');
  assert.equal(resolvConfFile(etcSpec(), { ...stub, systemdResolvConf: undefined }), 'options edns0 trust-ad\n');
  assert.equal(resolvConfFile(etcSpec(), { hostname: 'h' }), '');
});

test('/etc/hostname is the container\'s host name, or the host\'s with the host\'s UTS namespace', () => {
  assert.equal(hostnameFile(etcSpec(), HOST), 'f00dfeed1234\n');
  assert.equal(hostnameFile(etcSpec({ hostname: '' }), HOST), 'node7\n');
});

test('ensureEtcFiles writes what is missing, keeps what exists (the container\'s edits), and nothing for a bundle', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'hosts'), 'edited\n');
  let reads = 0;
  const host = () => { reads++; return HOST; };
  ensureEtcFiles(dir, { ...etcSpec(), bundle: '' }, host);
  assert.equal(readFileSync(join(dir, 'hosts'), 'utf8'), 'edited\n');
  assert.equal(readFileSync(join(dir, 'hostname'), 'utf8'), 'f00dfeed1234\n');
  assert.match(readFileSync(join(dir, 'resolv.conf'), 'utf8'), /^nameserver 10\.0\.0\.2$/m);
  ensureEtcFiles(dir, { ...etcSpec(), bundle: '' }, host);
  assert.equal(reads, 1, 'the host files are read only when something is missing');
  const bundleDir = tempDir(t);
  ensureEtcFiles(bundleDir, { ...etcSpec(), bundle: '/b' }, host);
  assert.throws(() => readFileSync(join(bundleDir, 'hosts')), /ENOENT/);
});

test('readHostEtc reads the host\'s files under a root, missing ones undefined', (t) => {
  const root = writeTree(tempDir(t), { 'etc/hosts': 'h\n', 'run/systemd/resolve/resolv.conf': 'nameserver 10.9.9.9\n' });
  const host = readHostEtc(root);
  assert.deepEqual([host.hosts, host.resolvConf, host.systemdResolvConf], ['h\n', undefined, 'nameserver 10.9.9.9\n']);
});

test('--add-host and --dns* are validated by field and normalised; bundles refuse them', (t) => {
  const rootfs = fixtureRootfs(t);
  const spec = (extra: Record<string, unknown>) => validateSpec({ rootfs, cmd: ['sh'], ...extra });
  assert.deepEqual(spec({ extraHosts: ['db:10.0.0.5', 'a.b=192.0.2.1', 'six:[2001:db8::1]', 'v6:::1'] }).extraHosts,
    ['db:10.0.0.5', 'a.b:192.0.2.1', 'six:2001:db8::1', 'v6:::1']);
  const refused: Array<[Record<string, unknown>, RegExp]> = [
    [{ extraHosts: ['db'] }, /^extraHosts\[0\]: must be NAME:IP/],
    [{ extraHosts: ['db:10.0.0.300'] }, /^extraHosts\[0\]: "10\.0\.0\.300" is not an IPv4 or IPv6 address/],
    [{ extraHosts: ['-x:10.0.0.1'] }, /^extraHosts\[0\]: "-x" is not a host name/],
    [{ extraHosts: ['gw:host-gateway'] }, /^extraHosts\[0\]: host-gateway .* berth has none/],
    [{ dns: ['8.8.8'] }, /^dns\[0\]: "8\.8\.8" is not an IPv4 or IPv6 address/],
    [{ dnsSearch: ['bad domain'] }, /^dnsSearch\[0\]: "bad domain" is not a domain name/],
    [{ dnsSearch: ['.', 'a.test'] }, /^dnsSearch: "\." \(no search domains\) goes alone/],
    [{ dnsOptions: ['ndots 2'] }, /^dnsOptions\[0\]: "ndots 2" must be one word/],
  ];
  for (const [extra, message] of refused) assert.throws(() => spec(extra), { message }, JSON.stringify(extra));
  const bundle = writeTree(tempDir(t), { 'config.json': '{}' });
  assert.throws(() => validateSpec({ bundle, dns: ['10.0.0.1'] }), { message: /^dns: not with a bundle/ });
});
