// JSON schema of ContainerSpec (agent/runtime/types.ts) for the request body of POST /v1/containers.
// It checks shape only (types, known fields); validateSpec in agent/runtime/spec.ts stays the
// authority on meaning (absolute paths, ranges, capability names, …) and runs in Runtime.create.
import { NAMESPACE_TYPES } from '../../runtime/types.js';
import { terminalSizeSchema } from './common.js';

const str = { type: 'string' } as const;
const strList = { type: 'array', items: str } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
const bool = { type: 'boolean' } as const;

const idMapping = {
  type: 'object', additionalProperties: false, required: ['containerId', 'hostId', 'size'],
  properties: { containerId: int, hostId: int, size: int },
} as const;

export const mountSpecSchema = {
  type: 'object', additionalProperties: false, required: ['type', 'target'],
  properties: {
    type: { type: 'string', enum: ['bind', 'tmpfs'] },
    source: str, target: str, readOnly: bool, options: strList,
  },
} as const;

export const resourcesSchema = {
  type: 'object', additionalProperties: false,
  properties: {
    memoryBytes: int, memorySwapBytes: int, memoryReservationBytes: int, memorySwappiness: int, oomKillDisable: { type: 'boolean' }, cpus: num, cpuPeriodUs: int, cpuBurstUs: int, cpuShares: int,
    cpusetCpus: str, cpusetMems: str, pidsLimit: int, blkioWeight: int,
    ioLimits: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['path'], properties: { path: str, readBps: int, writeBps: int, readIops: int, writeIops: int } },
    },
  },
} as const;

export const containerSpecProperties = {
  name: str,
  rootfs: str,
  bundle: str,
  image: str,
  cmd: strList,
  env: strList,
  workdir: str,
  hostname: str,
  domainname: str,
  user: str,
  groupAdd: strList,
  extraHosts: strList,
  dns: strList,
  dnsSearch: strList,
  dnsOptions: strList,
  labels: { type: 'object', additionalProperties: str },
  resources: resourcesSchema,
  namespaces: {
    type: 'object', additionalProperties: false,
    // container:<name or id> joins another container's; spec validation says which types can.
    properties: Object.fromEntries(NAMESPACE_TYPES.map((t) => [t, { type: 'string', pattern: '^(private|host|container:.+)$' }])),
  },
  uidMappings: { type: 'array', items: idMapping },
  gidMappings: { type: 'array', items: idMapping },
  capabilities: { type: 'object', additionalProperties: false, properties: { add: strList, drop: strList } },
  mounts: { type: 'array', items: mountSpecSchema },
  readOnlyRootfs: bool,
  seccomp: str,
  noNewPrivileges: bool,
  privileged: bool,
  shmSizeBytes: int,
  oomScoreAdj: int,
  devices: {
    type: 'array',
    items: { type: 'object', additionalProperties: false, required: ['hostPath'], properties: { hostPath: str, containerPath: str, permissions: str } },
  },
  deviceCgroupRules: strList,
  ulimits: {
    type: 'array',
    items: { type: 'object', additionalProperties: false, required: ['name', 'soft', 'hard'], properties: { name: str, soft: int, hard: int } },
  },
  sysctls: { type: 'object', additionalProperties: str },
  stopTimeout: int,
  stopSignal: str,
  autoRemove: bool,
  init: bool,
  healthcheck: {
    type: 'object', additionalProperties: false, required: ['cmd'],
    properties: { cmd: strList, intervalSeconds: num, timeoutSeconds: num, retries: int, startPeriodSeconds: num, startIntervalSeconds: num },
  },
  logRotate: { type: 'object', additionalProperties: false, properties: { maxSizeBytes: int, maxFiles: int } },
  tty: bool,
  openStdin: bool,
  consoleSize: terminalSizeSchema,
  restartPolicy: {
    type: 'object', additionalProperties: false, required: ['name'],
    properties: { name: { type: 'string', enum: ['no', 'on-failure', 'always', 'unless-stopped'] }, maxRetries: int },
  },
} as const;

export const containerSpecSchema = {
  $id: 'berth.ContainerSpec',
  type: 'object', additionalProperties: false,
  properties: containerSpecProperties,
} as const;

/** POST /v1/containers/:id/update: new limits and/or a new restart policy, in the spec's own vocabulary. */
export const updateContainerBodySchema = {
  type: 'object', additionalProperties: false,
  properties: { resources: resourcesSchema, restartPolicy: containerSpecProperties.restartPolicy },
} as const;

/** POST /v1/containers: a spec plus `start: true` to create and start in one call. */
export const createContainerBodySchema = {
  type: 'object', additionalProperties: false,
  properties: { ...containerSpecProperties, start: bool },
} as const;
