// Which kernel parameters a container may set: only those of its own namespaces (the list of
// runc's validator and Docker's --sysctl), since anything else would change the host. berth-shim
// checks the same list again (rootfs.c sysctl_allowed) before it writes; this check is here so a
// bad key is refused by name before anything is created.
import { BerthError } from '../errors.js';
import { invalid, shown, stringRecord } from './spec-check.js';
import type { NamespaceMode, NamespaceType } from './types.js';

const IPC_SYSCTLS = new Set([
  'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced',
]);
const UTS_SYSCTLS = new Set(['kernel.hostname', 'kernel.domainname']);
/** Dotted names as sysctl(8) writes them; the shim turns each dot into a path separator. */
const KEY = /^[a-z0-9_-]+(\.[a-zA-Z0-9_-]+)+$/;

/** The namespace that isolates `key`, or undefined when no namespace does (a host-wide setting). */
export function sysctlNamespace(key: string): NamespaceType | undefined {
  if (key.startsWith('net.')) return 'net';
  if (key.startsWith('fs.mqueue.') || IPC_SYSCTLS.has(key)) return 'ipc';
  if (UTS_SYSCTLS.has(key)) return 'uts';
  return undefined;
}

/** A dotted key as a field path: `sysctls["net.ipv4.ip_forward"]`. */
function sysctlField(where: string, key: string): string { return `${where}[${JSON.stringify(key)}]`; }

/** Spec validation: dotted keys and values the kernel could parse (which keys are allowed is checkSysctls'). */
export function validateSysctls(value: unknown, field: string): Record<string, string> {
  const sysctls = stringRecord(value, field);
  for (const [key, v] of Object.entries(sysctls)) {
    if (!KEY.test(key)) throw invalid(sysctlField(field, key), 'is not a sysctl name like net.ipv4.ip_forward');
    if (v === '' || /[\n\0]/.test(v)) throw invalid(sysctlField(field, key), `must be a non-empty value without newlines, got ${shown(v)}`);
  }
  return sysctls;
}

/**
 * Every key must belong to a namespace the container has of its own. Errors name `field`
 * (`sysctls`, or a bundle's `linux.sysctl` with its config.json as `file`).
 */
export function checkSysctls(
  sysctls: Record<string, string>, namespaces: Record<NamespaceType, NamespaceMode>, field = 'sysctls', file?: string,
): Record<string, string> {
  const refuse = (key: string, problem: string) => {
    const where = sysctlField(field, key);
    return new BerthError('INVALID_SPEC', `${file ? `${file}: ` : ''}${where}: ${problem}`, { field: where, ...(file ? { file } : {}) });
  };
  for (const key of Object.keys(sysctls)) {
    const ns = sysctlNamespace(key);
    if (ns === undefined) {
      throw refuse(key, 'not allowed: only parameters of the container\'s own namespaces can be set (net.*, fs.mqueue.*, kernel.shm*, kernel.msg*, kernel.sem, kernel.hostname, kernel.domainname)');
    }
    if (namespaces[ns] === 'host') throw refuse(key, `not allowed with the host's ${ns} namespace (it would change the host)`);
    if (namespaces[ns] !== 'private') throw refuse(key, `not allowed in another container's ${ns} namespace (it would change that container)`);
  }
  return sysctls;
}
