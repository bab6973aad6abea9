// The one container vocabulary: the API body, `inspect`, and the `container` variable of policy
// rules all use these shapes. `ContainerSpec` is what a user sends; `ResolvedSpec` is the same spec
// with every default filled in (Docker's defaults), which is what admission policy and the launch
// plan see.

export const NAMESPACE_TYPES = ['pid', 'net', 'mnt', 'uts', 'ipc', 'cgroup', 'user'] as const;
export type NamespaceType = (typeof NAMESPACE_TYPES)[number];
/**
 * `container:<id>` joins the namespace of another container's init (docker's `--network/--pid
 * container:NAME`); the spec may name the container, the resolved spec holds its id.
 */
export type NamespaceMode = 'private' | 'host' | `container:${string}`;

/** The namespace types another container's can be joined for (docker's: network and PID). */
export const JOINABLE_NAMESPACES: readonly NamespaceType[] = ['net', 'pid'];

/** docker's NetworkMode: `none` for a network namespace of its own (berth has no bridge), `host`, or `container:<id>`. */
export function networkMode(net: NamespaceMode | undefined): string {
  return net === undefined || net === 'private' ? 'none' : net;
}

/** The container a `container:<ref>` mode joins, or undefined for private and host. */
export function joinedContainer(mode: NamespaceMode | undefined): string | undefined {
  return mode?.startsWith('container:') ? mode.slice('container:'.length) : undefined;
}

export interface IdMapping { containerId: number; hostId: number; size: number }

export interface MountSpec {
  type: 'bind' | 'tmpfs';
  source?: string;         // bind: host path (absolute)
  target: string;          // absolute path inside the container
  readOnly?: boolean;
  options?: string[];      // tmpfs: size=64m, mode=1777, …; bind: nosuid, nodev, noexec, rprivate…
}

export interface Ulimit { name: string; soft: number; hard: number } // name like "nofile", "nproc"

/** docker run --device HOST[:CONTAINER][:PERMS]: a host device node (or every node under a directory). */
export interface DeviceMapping {
  hostPath: string;
  containerPath?: string;    // default: the host path
  permissions?: string;      // device cgroup access, some of "rwm"; default "rwm"
}

/** --device-cgroup-rule "c 188:* rwm", resolved: -1 is any number. */
export interface DeviceCgroupRule { type: 'a' | 'b' | 'c'; major: number; minor: number; access: string }

/** One node a container gets, as found on the host when the container was created. */
export interface ResolvedDevice {
  hostPath: string;          // symlinks resolved
  containerPath: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  fileMode: number;          // the host node's permission bits, given to the container's node
  uid: number;
  gid: number;
  permissions: string;
}

export interface ResourcesSpec {
  memoryBytes?: number;      // -m; 0 or absent = unlimited
  memorySwapBytes?: number;  // --memory-swap: memory + swap; -1 = unlimited swap
  memoryReservationBytes?: number; // --memory-reservation: soft limit reclaim aims for under pressure (v1 soft_limit_in_bytes, v2 memory.low); 0 = none
  memorySwappiness?: number; // --memory-swappiness 0..100: v1 memory.swappiness (v2 has none); -1 or absent = the host's (the one "unset" that is not 0)
  oomKillDisable?: boolean;  // --oom-kill-disable: at its memory limit the container waits for memory instead of being OOM-killed (v1 only)
  cpus?: number;             // --cpus (or --cpu-quota / --cpu-period): fractional cores → CFS quota over the period
  cpuPeriodUs?: number;      // --cpu-period: the CFS period in µs, 1000..1000000; 0 or absent = 100000 (docker's)
  cpuBurstUs?: number;       // CFS burst (OCI linux.resources.cpu.burst): quota left unused that later periods may spend, µs, ≤ the quota; 0 = none
  cpuShares?: number;        // --cpu-shares (v1 shares; mapped to cpu.weight on v2)
  cpusetCpus?: string;       // --cpuset-cpus "0-1,3"
  cpusetMems?: string;
  pidsLimit?: number;        // --pids-limit; 0, -1 or absent = unlimited
  blkioWeight?: number;      // --blkio-weight 10..1000
  ioLimits?: IoLimit[];      // --device-read-bps/-write-bps/-read-iops/-write-iops, one entry per device
}

/** Throttling of one block device (v1 blkio.throttle.*, v2 io.max); 0 or absent = not limited. */
export interface IoLimit {
  path: string;              // the host's block device, e.g. /dev/sda
  readBps?: number;
  writeBps?: number;
  readIops?: number;
  writeIops?: number;
}

export interface ContainerSpec {
  name?: string;
  rootfs?: string;           // a root filesystem directory …
  bundle?: string;           // … or an OCI runtime bundle (config.json + rootfs)
  image?: string;            // a label for display and metrics until images exist
  cmd?: string[];
  env?: string[];            // "K=V"
  workdir?: string;
  hostname?: string;
  domainname?: string;       // the NIS domain name of its UTS namespace (docker's --domainname)
  user?: string;             // "uid[:gid]" or "name[:group]" resolved in the rootfs
  groupAdd?: string[];       // --group-add: more supplementary groups, names (the rootfs' /etc/group) or gids
  extraHosts?: string[];     // --add-host "NAME:IP": more lines of its /etc/hosts (rootfs only, as the three below)
  dns?: string[];            // --dns: nameservers of its /etc/resolv.conf instead of the host's
  dnsSearch?: string[];      // --dns-search: search domains instead of the host's ("." for none)
  dnsOptions?: string[];     // --dns-option: resolv.conf options instead of the host's
  labels?: Record<string, string>;
  resources?: ResourcesSpec;
  namespaces?: Partial<Record<NamespaceType, NamespaceMode>>;
  uidMappings?: IdMapping[]; // with namespaces.user = private
  gidMappings?: IdMapping[];
  capabilities?: { add?: string[]; drop?: string[] }; // "NET_ADMIN" or "CAP_NET_ADMIN"; "ALL"
  mounts?: MountSpec[];
  readOnlyRootfs?: boolean;
  seccomp?: string;          // "default" (Docker's profile), "unconfined", or a profile file path
  noNewPrivileges?: boolean; // default true
  privileged?: boolean;      // --privileged: every capability and host device, no seccomp, no masked or read-only paths, writable /sys
  devices?: DeviceMapping[]; // --device
  deviceCgroupRules?: string[]; // --device-cgroup-rule "c 188:* rwm": devices it may use without a node made for it
  shmSizeBytes?: number;     // --shm-size: the size of the container's own /dev/shm (default 64 MiB)
  oomScoreAdj?: number;      // --oom-score-adj: -1000..1000, the container's processes' preference as OOM-killer victims
  ulimits?: Ulimit[];
  sysctls?: Record<string, string>; // --sysctl: kernel parameters of the container's own namespaces ("net.ipv4.ip_forward": "1")
  stopTimeout?: number;      // seconds between SIGTERM and SIGKILL on stop (default 10)
  stopSignal?: string;       // default SIGTERM
  autoRemove?: boolean;      // --rm
  init?: boolean;            // --init: a small PID 1 (berth-shim at /dev/init) that passes signals on and reaps zombies
  restartPolicy?: RestartPolicy; // --restart (default: no)
  healthcheck?: HealthcheckSpec; // --health-cmd …
  logRotate?: LogRotateSpec; // --log-opt max-size / max-file
  tty?: boolean;             // -t: init's stdin, stdout and stderr are a terminal (a bundle's process.terminal)
  openStdin?: boolean;       // -i: init's stdin stays open for attached clients (else /dev/null)
  consoleSize?: TerminalSize; // with tty: its size at the start (a bundle's process.consoleSize)
}

/** docker's json-file max-size / max-file: past maxSizeBytes the log becomes log.1 (… up to maxFiles files in all). */
export interface LogRotateSpec {
  maxSizeBytes?: number;        // 0 or absent: the log is never rotated (docker's default)
  maxFiles?: number;            // files kept, the current one included; default 1 (rotation truncates)
}

/** docker's HEALTHCHECK: `cmd` runs in the container (exec form); durations in seconds. */
export interface HealthcheckSpec {
  cmd: string[];
  intervalSeconds?: number;     // default 30
  timeoutSeconds?: number;      // default 30
  retries?: number;             // consecutive failures that make it unhealthy; default 3
  startPeriodSeconds?: number;  // failures in this time after start do not count; default 0
  startIntervalSeconds?: number; // time between checks in the start period while still starting; default 5 (docker ≥ 25)
}

/** docker's restart policies; maxRetries only with on-failure (0 = no limit). */
export interface RestartPolicy { name: 'no' | 'on-failure' | 'always' | 'unless-stopped'; maxRetries: number }

/** A spec with all defaults applied: every field present, numbers 0 where unlimited. */
export interface ResolvedSpec {
  name: string;
  rootfs: string;            // absolute path of the root filesystem actually used
  bundle: string;            // "" when started from a rootfs directory
  image: string;             // image reference, or the rootfs path when there is no image
  cmd: string[];
  env: string[];
  workdir: string;
  hostname: string;
  domainname: string;        // "" = not set
  user: { uid: number; gid: number; additionalGids: number[]; name: string }; // additionalGids include groupAdd
  groupAdd: number[];        // --group-add as gids, also given to `exec` as another user
  extraHosts: string[];      // "NAME:IP"; this and the three below are [] for a bundle (its /etc is its own)
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  labels: Record<string, string>;
  resources: Required<ResourcesSpec>; // 0 / "" = not set
  namespaces: Record<NamespaceType, NamespaceMode>;
  uidMappings: IdMapping[];
  gidMappings: IdMapping[];
  capabilities: string[];    // effective set, "CAP_*" names, sorted
  mounts: MountSpec[];       // user mounts only (the default /proc, /dev, … are in the plan)
  readOnlyRootfs: boolean;
  seccomp: string;           // "default" | "unconfined" | "localhost/<path>"
  noNewPrivileges: boolean;
  privileged: boolean;       // --privileged, or its equivalent for the process (every capability, no seccomp): what a policy wants to catch
  privilegedMode: boolean;   // --privileged itself: the plan adds every host device and leaves /proc unmasked and /sys writable
  devices: ResolvedDevice[]; // --device mappings, a directory's expanded to its nodes
  deviceCgroupRules: DeviceCgroupRule[];
  shmSizeBytes: number;      // 0 with the host's IPC namespace (the host's /dev/shm)
  oomScoreAdj: number;
  ulimits: Ulimit[];
  sysctls: Record<string, string>; // the user's and, for a bundle, its linux.sysctl
  stopTimeout: number;
  stopSignal: string;
  autoRemove: boolean;
  init: boolean;
  restartPolicy: RestartPolicy;
  healthcheck: Required<HealthcheckSpec>; // cmd [] = no healthcheck
  logRotate: Required<LogRotateSpec>;      // maxSizeBytes 0 = never rotated
  tty: boolean;
  openStdin: boolean;
  consoleSize: TerminalSize; // 0 × 0 = unset
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'stopping' | 'exited' | 'removing';

/** docker's State: `restarting` for an exited container whose restart policy will run it again. */
export function dockerState(c: Pick<ContainerInfo, 'status' | 'restartAt'>): ContainerStatus | 'restarting' {
  return c.status === 'exited' && c.restartAt !== undefined ? 'restarting' : c.status;
}

/** How a stop goes: the grace period (default the spec's stopTimeout) and the first signal (default its stopSignal). */
export interface StopHow { timeoutSeconds?: number; signal?: string }

/** Why a container was stopped by berth itself (a policy rule, a stop request, …). */
export interface StopReason { by: 'user' | 'policy' | 'agent'; policy?: string; rule?: string; message?: string }

export interface ExitInfo {
  exitCode: number;          // 0..255, 128+signal for a signal
  signal?: string;           // "SIGKILL" when killed by a signal
  oomKilled: boolean;
  finishedAt: string;        // ISO time
  reason?: StopReason;
}

export interface ContainerInfo {
  id: string;                // 64 hex characters; 12 shown by the CLI
  name: string;
  status: ContainerStatus;
  pid: number;               // init's host pid; 0 when not running
  shimPid: number;
  createdAt: string;
  startedAt?: string;
  exit?: ExitInfo;
  spec: ResolvedSpec;
  cgroup: string;            // cgroup path relative to the hierarchy root, e.g. "/berth/<id>"
  stateDir: string;
  warnings?: string[];       // e.g. admission warnings
  restartCount?: number;     // runs started by the restart policy (docker's RestartCount); always set by the runtime
  restartAt?: string;        // set while a policy restart waits its delay (docker's "Restarting")
  health?: HealthState;      // with a healthcheck, while it runs and after
}

/** docker's State.Health: the status, the current run of failures, the last five probes. */
export interface HealthState {
  status: 'starting' | 'healthy' | 'unhealthy';
  failingStreak: number;
  log: HealthProbe[];
}
export interface HealthProbe { start: string; end: string; exitCode: number; output: string }

/** `docker top`'s answer: the ps column titles and one row of cells per process. */
export interface ProcessList { titles: string[]; processes: string[][] }

export interface LogOptions {
  follow?: boolean; tail?: number; since?: string; until?: string; stdout?: boolean; stderr?: boolean; timestamps?: boolean;
  /** Ends a follow at once (its reader left): a quiet container would otherwise keep it waiting. */
  signal?: AbortSignal;
}
export interface LogLine { stream: 'stdout' | 'stderr'; time: string; line: string }
/** The output as written (attach, raw logs): from the start of the log or from now, following while it runs unless `follow: false`. */
export interface OutputOptions { fromStart?: boolean; follow?: boolean; signal?: AbortSignal }

/** An attached client's way in (close() detaches: nothing changes for the container). */
export interface ContainerInput {
  /** Resolves once the monitor's socket took the bytes (the container may not have read them yet). */
  write(data: Buffer): Promise<void>;
  /** The end of its stdin (it reads EOF, docker's StdinOnce); nothing with a tty. */
  end(): Promise<void>;
  resize(size: TerminalSize): Promise<void>;
  close(): void;
}

/** A terminal's size in characters; 0 = unset (programs then assume 80 × 24). */
export interface TerminalSize { rows: number; cols: number }

export interface ExecOptions {
  cmd: string[]; env?: string[]; workdir?: string; user?: string;
  /** docker exec --privileged: every capability (the container's seccomp and no_new_privs stay). */
  privileged?: boolean;
  /** The caller writes the process's stdin (ExecProcess.stdin; its end is the process's EOF), docker exec -i. */
  stdin?: boolean;
  /** A pseudo-terminal as the process's stdin, stdout and stderr (docker exec -t): its output is all stdout. */
  tty?: boolean;
  /** With tty: its size at the start (ExecProcess.resize changes it). */
  consoleSize?: TerminalSize;
}
export interface ExecProcess {
  pid: number;
  /** With ExecOptions.stdin. With a tty, its end is not passed on (a terminal has no end of input, as under docker). */
  stdin?: NodeJS.WritableStream;
  stdout: NodeJS.ReadableStream;
  /** Empty with a tty. */
  stderr: NodeJS.ReadableStream;
  /** With ExecOptions.tty: a new size for the terminal (the process gets SIGWINCH). */
  resize?(size: TerminalSize): void;
  /** With ExecOptions.tty: the terminal hangs up (its user left): SIGHUP to the process's session. */
  hangup?(): void;
  exited: Promise<{ exitCode: number; signal?: string }>;
}

/** What the rest of the agent (api/, sampler/, policy/) uses of the runtime. */
export interface Runtime {
  /** Re-adopts live shims, records exits that happened while the agent was down, removes half-created containers. */
  recover(): Promise<void>;
  resolve(spec: ContainerSpec): Promise<ResolvedSpec>;
  create(spec: ContainerSpec): Promise<ContainerInfo>;
  start(idOrName: string): Promise<ContainerInfo>;
  stop(idOrName: string, how?: StopHow, reason?: StopReason): Promise<ContainerInfo>;
  /** stop, then start (a stopped container is run again with a new init). */
  restart(idOrName: string, how?: StopHow, reason?: StopReason): Promise<ContainerInfo>;
  kill(idOrName: string, signal?: string, reason?: StopReason): Promise<ContainerInfo>;
  pause(idOrName: string, reason?: StopReason): Promise<ContainerInfo>;
  resume(idOrName: string): Promise<ContainerInfo>;
  /**
   * New limits for a created, running or paused container. A user's update passes admission on
   * the spec it would make (the answer's `warnings` are then its own); the policy's throttle action does not.
   */
  update(idOrName: string, resources: ResourcesSpec, origin?: UpdateOrigin): Promise<ContainerInfo>;
  /** docker update --restart: a new restart policy (admission judges it); `no` cancels a waiting restart. */
  updateRestartPolicy(idOrName: string, policy: RestartPolicy): Promise<ContainerInfo>;
  /** A new name (free, and valid as at create) for a container in any state but removing. */
  rename(idOrName: string, name: string): Promise<ContainerInfo>;
  /** The container's processes as the host's `ps ARGS` (default -ef) shows them. */
  top(idOrName: string, psArgs?: string[]): Promise<ProcessList>;
  wait(idOrName: string): Promise<ExitInfo>;
  remove(idOrName: string, force?: boolean): Promise<void>;
  get(idOrName: string): ContainerInfo;          // throws BerthError NOT_FOUND
  list(all?: boolean): ContainerInfo[];          // in-memory, cheap: the sampler calls it every tick
  /** In batches (the lines of one read of the file, or of what a follow saw appended), never empty: a reader writes each at once. */
  logs(idOrName: string, opts: LogOptions): AsyncIterable<LogLine[]>;
  exec(idOrName: string, opts: ExecOptions): Promise<ExecProcess>;
  /**
   * docker attach's output: what the container writes, from now on (or its whole log), until it
   * has exited. Resolves once what it writes from then on is sure to be in it.
   */
  output(idOrName: string, opts?: OutputOptions): Promise<AsyncIterable<{ stream: 'stdout' | 'stderr'; data: Buffer }>>;
  /** docker attach's input: the container's stdin (openStdin) and its terminal's size (tty), through its monitor. */
  attach(idOrName: string): Promise<ContainerInput>;
  /** Stops watchers and timers; containers keep running (their shims outlive the agent). */
  close(): Promise<void>;
}

/** A policy rule that failed admission. */
export interface AdmissionViolation { policy: string; rule: string; message: string; enforcement: 'enforce' | 'warn' | 'audit' }

/**
 * Called by `Runtime.create` after the spec is resolved and before anything is made.
 * Throws BerthError('POLICY_DENIED', …, { violations }) to deny; returns warnings to admit with them.
 */
export type AdmitHook = (spec: ResolvedSpec, request?: AdmissionRequest) => Promise<{ warnings: string[] }>;

/**
 * What admission is asked about: a new container, new limits for one (the whole spec as it would
 * become), or a process reaching into a running one (`exec`, `attach`: the policies' exec rules).
 */
export type AdmissionRequest =
  | { operation: 'create' | 'update'; containerId?: string }
  | { operation: 'exec' | 'attach'; containerId: string; process: AdmittedProcess };

/** The process of an exec (before it starts), or the container's own for an attach. */
export interface AdmittedProcess {
  command: string[];
  /** As given to exec (`-u`), else the container's. */
  user: string;
  uid: number;
  gid: number;
  tty: boolean;
  stdin: boolean;
  workdir: string;
  env: string[];
  /** exec --privileged: every capability; false for attach (the container's own process). */
  privileged: boolean;
}

/** Who changes a container's limits: a user (checked by admission) or a policy action. */
export type UpdateOrigin = 'user' | 'policy';
