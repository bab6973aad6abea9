// The typed CEL environment of policy rules, declared once as a tree. From it we register one CEL
// message type per object (so a misspelt field or a type error is caught when a file is loaded)
// and derive the converter that turns a ResolvedSpec / ContainerSample into those typed values.
//
// Numbers — int or double? (CEL has no implicit conversion.) Rule:
// - every quantity (bytes, cores, ratios, counts, limits: all of `container.resources.*` and
//   `sample.*`) is `double`: a JS number, exact up to 2^53, so byte counts stay exact, ratios
//   work like PromQL (`sample.memory.workingSetBytes / sample.memory.limitBytes > 0.9` would
//   silently be integer division 0 with ints), and no BigInt conversion per evaluation;
// - identifiers and settings that are integral by nature (`container.user.uid/gid`, id mappings,
//   ulimits, `stopTimeout`) are `int`.
// Mixed int/double arithmetic and equality are registered as extra operators (cel.ts), and CEL's
// relational operators already compare int with double, so `x > 0`, `x > 0.9 * y`, `x == 0`,
// `x * 2` all type-check whichever way a literal is written.

export type ScalarType = 'string' | 'bool' | 'int' | 'double';
export type FieldType =
  | ScalarType
  | 'list<string>' | 'list<int>' | 'map<string, string>'
  | { object: string; fields: ObjectSchema }
  | { listOf: string; fields: ObjectSchema };
export interface ObjectSchema { [field: string]: FieldType }

const idMapping: ObjectSchema = { containerId: 'int', hostId: 'int', size: 'int' };

export const CONTAINER_SCHEMA: ObjectSchema = {
  name: 'string', rootfs: 'string', bundle: 'string', image: 'string',
  cmd: 'list<string>', env: 'list<string>', workdir: 'string', hostname: 'string',
  user: { object: 'ContainerUser', fields: { uid: 'int', gid: 'int', additionalGids: 'list<int>', name: 'string' } },
  groupAdd: 'list<int>',
  extraHosts: 'list<string>', dns: 'list<string>', dnsSearch: 'list<string>', dnsOptions: 'list<string>',
  labels: 'map<string, string>',
  resources: { object: 'Resources', fields: {
    memoryBytes: 'double', memorySwapBytes: 'double', memoryReservationBytes: 'double', memorySwappiness: 'double', cpus: 'double', cpuPeriodUs: 'double', cpuShares: 'double',
    cpusetCpus: 'string', cpusetMems: 'string', pidsLimit: 'double', blkioWeight: 'double',
    ioLimits: { listOf: 'IoLimit', fields: { path: 'string', readBps: 'double', writeBps: 'double', readIops: 'double', writeIops: 'double' } },
  } },
  namespaces: { object: 'Namespaces', fields: {
    pid: 'string', net: 'string', mnt: 'string', uts: 'string', ipc: 'string', cgroup: 'string', user: 'string',
  } },
  uidMappings: { listOf: 'UidMapping', fields: idMapping },
  gidMappings: { listOf: 'GidMapping', fields: idMapping },
  capabilities: 'list<string>',
  mounts: { listOf: 'Mount', fields: {
    type: 'string', source: 'string', target: 'string', readOnly: 'bool', options: 'list<string>',
  } },
  readOnlyRootfs: 'bool', seccomp: 'string', noNewPrivileges: 'bool', privileged: 'bool', privilegedMode: 'bool', shmSizeBytes: 'double', oomScoreAdj: 'int',
  devices: { listOf: 'Device', fields: {
    hostPath: 'string', containerPath: 'string', type: 'string', major: 'int', minor: 'int', fileMode: 'int', uid: 'int', gid: 'int', permissions: 'string',
  } },
  deviceCgroupRules: { listOf: 'DeviceCgroupRule', fields: { type: 'string', major: 'int', minor: 'int', access: 'string' } }, // -1: any number
  ulimits: { listOf: 'Ulimit', fields: { name: 'string', soft: 'int', hard: 'int' } },
  sysctls: 'map<string, string>',
  stopTimeout: 'int', stopSignal: 'string', autoRemove: 'bool', init: 'bool',
  restartPolicy: { object: 'RestartPolicy', fields: { name: 'string', maxRetries: 'int' } },
  logRotate: { object: 'LogRotate', fields: { maxSizeBytes: 'double', maxFiles: 'int' } },
  healthcheck: { object: 'Healthcheck', fields: {
    cmd: 'list<string>', intervalSeconds: 'double', timeoutSeconds: 'double', retries: 'int', startPeriodSeconds: 'double', startIntervalSeconds: 'double',
  } },
};

/**
 * `request`: what exec rules see of a process about to reach into a running container: `exec`
 * (a new process) or `attach` (a client with the container's stdin or terminal). Kubernetes'
 * CONNECT of pods/exec and pods/attach. For attach, `command` is empty and the rest is the
 * container's own (its main process is what the client reaches).
 */
export const REQUEST_SCHEMA: ObjectSchema = {
  operation: 'string',             // "exec" | "attach"
  command: 'list<string>',
  user: 'string',                  // as given (`exec -u`), else the container's
  uid: 'int', gid: 'int',          // the process's, resolved in the container's /etc/passwd
  tty: 'bool', stdin: 'bool',
  privileged: 'bool',              // exec --privileged: every capability
  workdir: 'string',
  env: 'list<string>',             // the process's whole environment
};

/** `sample`: what runtime rules see of the latest ContainerSample (see sample.ts for the mapping). */
export const SAMPLE_SCHEMA: ObjectSchema = {
  time: 'double',                  // ms since epoch
  cpu: { object: 'SampleCpu', fields: {
    cores: 'double', percent: 'double', throttledRatio: 'double',
    usageSeconds: 'double', throttledSeconds: 'double', periods: 'double', throttledPeriods: 'double',
    quotaCores: 'double',          // cpu quota / period; 0 = no quota
  } },
  memory: { object: 'SampleMemory', fields: {
    usageBytes: 'double', workingSetBytes: 'double', rssBytes: 'double', cacheBytes: 'double',
    swapBytes: 'double', limitBytes: 'double', maxUsageBytes: 'double', failcnt: 'double',
    underOom: 'bool',              // at the limit with the OOM killer off (--oom-kill-disable), waiting for memory (v1)
  } },
  pids: { object: 'SamplePids', fields: { current: 'double', limit: 'double' } },
  io: { object: 'SampleIo', fields: { readBytes: 'double', writeBytes: 'double', reads: 'double', writes: 'double' } },
  network: { object: 'SampleNetwork', fields: { rxBytes: 'double', txBytes: 'double', rxDropped: 'double', txDropped: 'double' } },
  oomEvents: 'double', oomKills: 'double', processes: 'double', threads: 'double',
  // The healthcheck's verdict (not a cgroup figure: the runtime's, joined to the sample): status
  // "none" (no healthcheck), "starting", "healthy" or "unhealthy"; failingStreak as docker counts it.
  health: { object: 'SampleHealth', fields: { status: 'string', failingStreak: 'double' } },
};
