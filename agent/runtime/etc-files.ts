// /etc/hosts, /etc/hostname and /etc/resolv.conf of a container from a rootfs, as docker gives
// them: written into the container's state directory when it is created and bind-mounted over the
// rootfs' own, so `localhost` and the container's host name resolve, DNS settings follow the
// host's (or --dns), and the rootfs' own files are left as they were (where one is missing, an
// empty file is made as the mount point, as for any bind; not in a user namespace of its own:
// etcFileMounts). The container may edit its copies
// (read-only with a read-only rootfs, as docker mounts them); they live as long as the container.
// A bundle brings its own /etc, as under runc: nothing is added.
import { existsSync, lstatSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname as hostHostname } from 'node:os';
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import type { OciMount } from './oci-types.js';
import type { ResolvedSpec } from './types.js';

/** docker's (libnetwork etchosts) default entries. */
const DEFAULT_HOSTS = [
  '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix', 'ff02::1\tip6-allnodes', 'ff02::2\tip6-allrouters',
];

/** The host's files the container's copies start from; a parameter for tests. */
export interface HostEtc { hosts?: string; resolvConf?: string; systemdResolvConf?: string; hostname: string }

export type EtcSpec = Pick<ResolvedSpec, 'hostname' | 'domainname' | 'namespaces' | 'extraHosts' | 'dns' | 'dnsSearch' | 'dnsOptions'>;

export function readHostEtc(root = '/'): HostEtc {
  const read = (path: string) => { try { return readFileSync(join(root, path), 'utf8'); } catch { return undefined; } };
  return {
    hosts: read('etc/hosts'), resolvConf: read('etc/resolv.conf'), systemdResolvConf: read('run/systemd/resolve/resolv.conf'),
    hostname: hostHostname(),
  };
}

/**
 * In the host's network namespace: the host's /etc/hosts (what resolves there resolves here).
 * In its own: docker's defaults, the host name on the loopback address (berth's networks have no
 * other: docker gives it the bridge address), then --add-host entries.
 */
export function hostsFile(spec: EtcSpec, host: HostEtc): string {
  const extra = spec.extraHosts.map((e) => { const at = e.indexOf(':'); return `${e.slice(at + 1)}\t${e.slice(0, at)}`; });
  if (spec.namespaces.net === 'host') return `${withNewline(host.hosts ?? DEFAULT_HOSTS.join('\n'))}${lines(extra)}`;
  const name = spec.hostname;
  const self = name ? [`127.0.0.1\t${spec.domainname ? `${name}.${spec.domainname} ` : ''}${name}`] : [];
  return lines([...DEFAULT_HOSTS, ...self, ...extra]);
}

export function hostnameFile(spec: EtcSpec, host: HostEtc): string {
  return `${spec.hostname || host.hostname}\n`;
}

const LOOPBACK_NAMESERVER = /^nameserver\s+(127\.\S*|::1)\s*$/;
const NAMESERVER = /^nameserver\s/;

/**
 * The host's resolv.conf, as docker makes it: in a network namespace of its own a loopback
 * nameserver is not the host's resolver, so those lines go (a systemd-resolved stub's upstream
 * file is used instead when there is one); --dns, --dns-search and --dns-option replace the
 * nameserver, search/domain and options lines. No public resolver is added when none is left.
 */
export function resolvConfFile(spec: EtcSpec, host: HostEtc): string {
  let base = host.resolvConf ?? '';
  const ownNetns = spec.namespaces.net !== 'host';
  if (ownNetns) {
    const servers = base.split('\n').filter((l) => NAMESERVER.test(l));
    if (servers.length > 0 && servers.every((l) => LOOPBACK_NAMESERVER.test(l)) && host.systemdResolvConf) base = host.systemdResolvConf;
  }
  const replaced = (line: string) => (ownNetns && LOOPBACK_NAMESERVER.test(line))
    || (spec.dns.length > 0 && NAMESERVER.test(line))
    || (spec.dnsSearch.length > 0 && /^(search|domain)\s/.test(line))
    || (spec.dnsOptions.length > 0 && /^options\s/.test(line));
  const kept = base.split('\n').filter((l) => l.trim() !== '' && !replaced(l));
  const search = spec.dnsSearch.filter((d) => d !== '.');
  return lines([
    ...kept,
    ...spec.dns.map((ip) => `nameserver ${ip}`),
    ...(search.length > 0 ? [`search ${search.join(' ')}`] : []),
    ...(spec.dnsOptions.length > 0 ? [`options ${spec.dnsOptions.join(' ')}`] : []),
  ]);
}

/** Each file: where the container sees it, its name in the state directory, what it holds. */
const ETC_FILES = [
  { path: '/etc/hosts', file: 'hosts', content: hostsFile },
  { path: '/etc/hostname', file: 'hostname', content: hostnameFile },
  { path: '/etc/resolv.conf', file: 'resolv.conf', content: resolvConfFile },
] as const;

/**
 * Writes the files a container from a rootfs lacks (all at create; an older container's at its
 * next start). Existing ones are kept: they may hold the container's own edits. On the launch
 * path, so written synchronously (a few µs each; a thread-pool round trip costs more here) and
 * not fsynced (three fsyncs would cost more than the launch): a file a power loss empties is the
 * container's to lose, like its writes to the rootfs.
 */
export function ensureEtcFiles(stateDir: string, spec: EtcSpec & Pick<ResolvedSpec, 'bundle'>, host: () => HostEtc = readHostEtc): void {
  if (spec.bundle) return;
  let hostEtc: HostEtc | undefined;
  for (const { file, content } of ETC_FILES) {
    const path = join(stateDir, file);
    if (existsSync(path)) continue;
    hostEtc ??= host();
    try {
      writeFileSync(path, content(spec, hostEtc), { flag: 'wx', mode: 0o644 });
    } catch (err) {
      rmSync(path, { force: true }); // a file cut short by a full disk would be taken for written next time
      throw new BerthError('STATE_FAILED', `write ${path}: ${(err as Error).message}`, { path }, { cause: err });
    }
  }
}

/**
 * The bind mounts of those files (rprivate, like docker's; read-only with a read-only rootfs). In
 * a user namespace of its own only over files the rootfs has: its root, an unprivileged host
 * uid, cannot make a missing mount point in a rootfs the host's root owns.
 */
export function etcFileMounts(stateDir: string, spec: Pick<ResolvedSpec, 'rootfs' | 'readOnlyRootfs' | 'namespaces'>): OciMount[] {
  const present = (destination: string) => { try { return lstatSync(join(spec.rootfs, destination)).isFile(); } catch { return false; } };
  return ETC_FILES.filter(({ path }) => spec.namespaces.user !== 'private' || present(path)).map(({ path, file }) => ({
    destination: path, type: 'bind', source: join(stateDir, file), options: ['rbind', 'rprivate', ...(spec.readOnlyRootfs ? ['ro'] : [])],
  }));
}

function lines(list: string[]): string { return list.map((l) => `${l}\n`).join(''); }
function withNewline(text: string): string { return text === '' || text.endsWith('\n') ? text : `${text}\n`; }
