// The part of the OCI runtime-spec (v1.3 config.json) that berth reads from bundles and writes
// for `inspect`. Field names are the spec's; optional where the spec makes them optional.

export interface OciUser { uid: number; gid: number; umask?: number; additionalGids?: number[]; username?: string }

export interface OciCapabilities {
  bounding?: string[]; effective?: string[]; inheritable?: string[]; permitted?: string[]; ambient?: string[];
}

export interface OciRlimit { type: string; soft: number; hard: number }

export interface OciProcess {
  terminal?: boolean;
  consoleSize?: { height: number; width: number };
  user: OciUser;
  args?: string[];
  env?: string[];
  cwd: string;
  capabilities?: OciCapabilities;
  rlimits?: OciRlimit[];
  noNewPrivileges?: boolean;
  oomScoreAdj?: number;
  apparmorProfile?: string;
  selinuxLabel?: string;
}

export interface OciMount { destination: string; type?: string; source?: string; options?: string[] }

export interface OciIdMapping { containerID: number; hostID: number; size: number }

export interface OciNamespace { type: string; path?: string }

export interface OciDevice { path: string; type: string; major?: number; minor?: number; fileMode?: number; uid?: number; gid?: number }

export interface OciDeviceCgroup { allow: boolean; type?: string; major?: number; minor?: number; access?: string }

export interface OciResources {
  devices?: OciDeviceCgroup[];
  memory?: { limit?: number; swap?: number; reservation?: number; swappiness?: number; disableOOMKiller?: boolean };
  cpu?: { shares?: number; quota?: number; period?: number; burst?: number; cpus?: string; mems?: string };
  pids?: { limit?: number };
  blockIO?: {
    weight?: number;
    throttleReadBpsDevice?: OciThrottle[]; throttleWriteBpsDevice?: OciThrottle[]; throttleReadIOPSDevice?: OciThrottle[]; throttleWriteIOPSDevice?: OciThrottle[];
  };
}

export interface OciLinux {
  uidMappings?: OciIdMapping[];
  gidMappings?: OciIdMapping[];
  sysctl?: Record<string, string>;
  resources?: OciResources;
  cgroupsPath?: string;
  namespaces?: OciNamespace[];
  devices?: OciDevice[];
  seccomp?: Record<string, unknown>;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  rootfsPropagation?: string;
  mountLabel?: string;
}

export interface OciConfig {
  ociVersion: string;
  process?: OciProcess;
  root?: { path: string; readonly?: boolean };
  hostname?: string;
  domainname?: string;
  mounts?: OciMount[];
  hooks?: Record<string, unknown>;
  annotations?: Record<string, string>;
  linux?: OciLinux;
}

/** OCI namespace type names ↔ berth's short names. */
export const OCI_NAMESPACE_TYPES = {
  pid: 'pid', network: 'net', mount: 'mnt', ipc: 'ipc', uts: 'uts', user: 'user', cgroup: 'cgroup', time: 'time',
} as const;

export type OciNamespaceType = keyof typeof OCI_NAMESPACE_TYPES;

/** One device's rate in linux.resources.blockIO.throttle*Device (bytes or operations per second). */
export interface OciThrottle { major: number; minor: number; rate: number }
