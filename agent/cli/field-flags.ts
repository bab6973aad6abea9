// The agent validates a spec and names the field at fault (`resources.cpus: must be …`, the field
// also in details.field); run, create and update say it with the flag the user typed instead
// (`--cpus: must be …`, `--add-host "bad": must be NAME:IP …`). A field no flag sets keeps the
// agent's words.
import { BerthError } from '../errors.js';
import type { Parsed } from './args.js';

/** Fields set by one flag (the value is in the agent's message when it matters). */
const FIELD_FLAGS: Record<string, string> = {
  'resources.memoryBytes': '--memory', 'resources.memorySwapBytes': '--memory-swap',
  'resources.memoryReservationBytes': '--memory-reservation', 'resources.memorySwappiness': '--memory-swappiness', 'resources.oomKillDisable': '--oom-kill-disable',
  'resources.cpus': '--cpus', 'resources.cpuPeriodUs': '--cpu-period', 'resources.cpuShares': '--cpu-shares',
  'resources.cpusetCpus': '--cpuset-cpus', 'resources.cpusetMems': '--cpuset-mems', 'resources.pidsLimit': '--pids-limit',
  'resources.blkioWeight': '--blkio-weight', 'resources.ioLimits': '--device-{read,write}-{bps,iops}',
  'healthcheck.cmd': '--health-cmd', 'healthcheck.intervalSeconds': '--health-interval', 'healthcheck.timeoutSeconds': '--health-timeout',
  'healthcheck.retries': '--health-retries', 'healthcheck.startPeriodSeconds': '--health-start-period',
  'healthcheck.startIntervalSeconds': '--health-start-interval',
  'namespaces.net': '--network', 'namespaces.pid': '--pid', 'namespaces.ipc': '--ipc', 'namespaces.uts': '--uts', 'namespaces.cgroup': '--cgroupns',
  'capabilities.add': '--cap-add', 'capabilities.drop': '--cap-drop',
  user: '--user', workdir: '--workdir', hostname: '--hostname', domainname: '--domainname', name: '--name', image: '--image',
  rootfs: '--rootfs', bundle: '--bundle', stopSignal: '--stop-signal', stopTimeout: '--stop-timeout', shmSizeBytes: '--shm-size',
  oomScoreAdj: '--oom-score-adj', restartPolicy: '--restart', logRotate: '--log-opt', uidMappings: '--uidmap', gidMappings: '--gidmap',
  seccomp: '--security-opt', noNewPrivileges: '--security-opt', groupAdd: '--group-add', env: '--env', labels: '--label',
  privileged: '--privileged', readOnlyRootfs: '--read-only', init: '--init', autoRemove: '--rm',
};

/** List fields with one element per value of a flag, in the order given. */
const LIST_FLAGS: Record<string, string> = {
  extraHosts: 'add-host', dns: 'dns', dnsSearch: 'dns-search', dnsOptions: 'dns-option', devices: 'device', ulimits: 'ulimit',
  deviceCgroupRules: 'device-cgroup-rule',
};

/** An INVALID_SPEC error about a field a flag set, said with the flag; anything else as it is. */
export function withFlagNames(err: unknown, p: Parsed): unknown {
  if (!(err instanceof BerthError) || err.code !== 'INVALID_SPEC' || typeof err.details?.field !== 'string') return err;
  const field = err.details.field;
  if (!err.message.startsWith(`${field}: `)) return err;
  const flag = flagOf(field, p);
  if (flag === undefined) return err;
  // Another limit the problem refers to ("is above resources.memoryBytes") by its flag too.
  const problem = err.message.slice(field.length + 2).replace(/\bresources\.[A-Za-z]+\b/g, (f) => FIELD_FLAGS[f] ?? f);
  return new BerthError(err.code, `${flag}: ${problem}`, err.details, { cause: err });
}

/** `--cpus`, `--add-host "bad"`, `-v "/a:/b" (source)`; undefined for a field no flag sets. */
export function flagOf(field: string, p: Parsed): string | undefined {
  const m = /^([A-Za-z]+(?:\.[A-Za-z]+)?)(?:\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\])?\.?(.*)$/.exec(field);
  if (!m) return undefined;
  const [, base, index, key, rest] = m as unknown as [string, string, string | undefined, string | undefined, string];
  const sub = rest ? ` (${rest})` : '';
  if (index !== undefined) {
    const value = elementFlag(base!, Number(index), p);
    if (value !== undefined) return `${value}${sub}`;
  }
  if (key !== undefined && (base === 'sysctls' || base === 'labels')) {
    const flag = base === 'sysctls' ? 'sysctl' : 'label';
    const given = p.list(flag).find((v) => v === key || v.startsWith(`${key}=`));
    return `--${flag} ${JSON.stringify(given ?? key)}${sub}`;
  }
  return FIELD_FLAGS[base!] ?? FIELD_FLAGS[base!.split('.')[0]!]; // restartPolicy.name: --restart
}

function elementFlag(base: string, i: number, p: Parsed): string | undefined {
  if (base === 'mounts') {
    // specFromFlags makes them from -v, then --tmpfs, then --mount.
    const origins = [...p.list('volume').map((v) => `-v ${JSON.stringify(v)}`), ...p.list('tmpfs').map((t) => `--tmpfs ${JSON.stringify(t)}`),
      ...p.list('mount').map((m) => `--mount ${JSON.stringify(m)}`)];
    return origins[i];
  }
  const flag = LIST_FLAGS[base];
  if (flag === undefined) return FIELD_FLAGS[base];
  const value = p.list(flag)[i];
  return value === undefined ? `--${flag}` : `--${flag} ${JSON.stringify(value)}`;
}
