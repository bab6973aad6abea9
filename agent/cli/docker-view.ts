// `inspect -f` templates written for docker (`{{.State.Running}}`, `{{.State.ExitCode}}`,
// `{{.Config.Env}}`, `{{.HostConfig.Memory}}` …, the ones scripts wait and check on) read a
// container in docker inspect's shape. Its capitalised keys sit next to berth's own lower-case
// ones, so `{{.status}}` and `{{.State.Status}}` both work; the JSON berth prints is its own.
import { DOCKER_DEFAULT_CAPABILITIES } from '../runtime/capabilities.js';
import { dockerState, networkMode, type ContainerInfo, type ResolvedSpec } from '../runtime/types.js';

/** docker's zero time: what it shows for a container never started or never finished. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

export function dockerView(c: ContainerInfo): Record<string, unknown> {
  const s = c.spec;
  const state = dockerState(c);
  const r = s.resources;
  const defaults = new Set<string>(DOCKER_DEFAULT_CAPABILITIES);
  const caps = new Set(s.capabilities);
  const shortCap = (cap: string) => cap.replace(/^CAP_/, '');
  // host or container:<id> as they are; a private one is docker's default: "private" for ipc, empty for the others.
  const mode = (ns: 'pid' | 'ipc' | 'uts') => (s.namespaces[ns] !== 'private' ? s.namespaces[ns] : ns === 'ipc' ? 'private' : '');
  return {
    Id: c.id,
    Name: `/${c.name}`, // docker's names carry a leading slash
    Created: c.createdAt,
    Path: s.cmd[0] ?? '',
    Args: s.cmd.slice(1),
    Image: s.image,
    RestartCount: c.restartCount ?? 0,
    State: {
      Status: state === 'stopping' ? 'running' : state,
      Running: c.status === 'running' || c.status === 'paused' || c.status === 'stopping', // docker: a paused one is running too
      Paused: c.status === 'paused',
      Restarting: state === 'restarting',
      OOMKilled: c.exit?.oomKilled ?? false,
      Dead: false,
      Pid: c.pid,
      ExitCode: c.exit?.exitCode ?? 0,
      Error: '',
      StartedAt: c.startedAt ?? ZERO_TIME,
      FinishedAt: c.exit?.finishedAt ?? ZERO_TIME,
      ...(c.health ? { Health: {
        Status: c.health.status, FailingStreak: c.health.failingStreak,
        Log: c.health.log.map((p) => ({ Start: p.start, End: p.end, ExitCode: p.exitCode, Output: p.output })),
      } } : {}),
    },
    Config: {
      Hostname: s.hostname, Domainname: s.domainname, User: s.user.name || `${s.user.uid}:${s.user.gid}`, Env: s.env, Cmd: s.cmd, Image: s.image,
      WorkingDir: s.workdir, Labels: s.labels, StopSignal: s.stopSignal, StopTimeout: s.stopTimeout, Tty: s.tty, OpenStdin: s.openStdin,
      ...(s.healthcheck.cmd.length ? { Healthcheck: dockerHealthcheck(s.healthcheck) } : {}),
    },
    HostConfig: {
      Memory: r.memoryBytes, MemorySwap: r.memorySwapBytes, MemoryReservation: r.memoryReservationBytes, NanoCpus: Math.round(r.cpus * 1e9),
      CpuShares: r.cpuShares, CpuPeriod: r.cpuPeriodUs, CpusetCpus: r.cpusetCpus, CpusetMems: r.cpusetMems, PidsLimit: r.pidsLimit,
      BlkioWeight: r.blkioWeight, OomKillDisable: r.oomKillDisable, Privileged: s.privilegedMode, ReadonlyRootfs: s.readOnlyRootfs,
      RestartPolicy: { Name: s.restartPolicy.name, MaximumRetryCount: s.restartPolicy.maxRetries }, AutoRemove: s.autoRemove,
      CapAdd: s.capabilities.filter((cap) => !defaults.has(cap)).map(shortCap),
      CapDrop: [...defaults].filter((cap) => !caps.has(cap)).map(shortCap),
      NetworkMode: networkMode(s.namespaces.net), PidMode: mode('pid'), IpcMode: mode('ipc'), UTSMode: mode('uts'),
      ShmSize: s.shmSizeBytes, OomScoreAdj: s.oomScoreAdj, Init: s.init, Sysctls: s.sysctls, GroupAdd: s.groupAdd.map(String),
      Ulimits: s.ulimits.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
      Devices: s.devices.map((d) => ({ PathOnHost: d.hostPath, PathInContainer: d.containerPath, CgroupPermissions: d.permissions })),
      ExtraHosts: s.extraHosts, Dns: s.dns, DnsSearch: s.dnsSearch, DnsOptions: s.dnsOptions,
    },
    Mounts: s.mounts.map((m) => ({ Type: m.type, Source: m.source ?? '', Destination: m.target, RW: !m.readOnly })),
    NetworkSettings: { IPAddress: '', Networks: {} }, // no bridge: networks none and host have no address of their own, as in docker
  };
}

const NS_PER_SECOND = 1e9;

/** docker's Config.Healthcheck: `--health-cmd` (berth's `/bin/sh -c CMD`) is CMD-SHELL; durations in ns. */
function dockerHealthcheck(h: ResolvedSpec['healthcheck']) {
  const shell = h.cmd.length === 3 && h.cmd[0] === '/bin/sh' && h.cmd[1] === '-c';
  return {
    Test: shell ? ['CMD-SHELL', h.cmd[2]] : ['CMD', ...h.cmd],
    Interval: h.intervalSeconds * NS_PER_SECOND, Timeout: h.timeoutSeconds * NS_PER_SECOND, StartPeriod: h.startPeriodSeconds * NS_PER_SECOND,
    StartInterval: h.startIntervalSeconds * NS_PER_SECOND, Retries: h.retries,
  };
}
