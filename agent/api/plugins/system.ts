// GET /v1/version and GET /v1/info: what is running here and how it is set up.
import { arch, cpus, hostname, platform, release, totalmem } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { ServerDeps } from '../deps.js';
import type { ContainerStatus } from '../../runtime/types.js';
import { errorResponses } from '../schemas/common.js';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;

export const versionSchema = {
  type: 'object', additionalProperties: true,
  properties: { version: str, apiVersion: str, node: str, os: str, arch: str, kernel: str },
} as const;

export const infoSchema = {
  type: 'object', additionalProperties: true,
  properties: {
    version: str, hostname: str, kernel: str, os: str, arch: str, cpus: int, memoryBytes: int,
    cgroupVersion: str, cgroupParent: str, stateDir: str, rulesDir: str, socket: str, listen: str,
    sampleIntervalMs: int, startedAt: str, pid: int,
    containers: {
      type: 'object', additionalProperties: false,
      properties: { total: int, created: int, running: int, paused: int, stopping: int, exited: int, removing: int },
    },
  },
} as const;

export async function systemPlugin(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  app.get('/v1/version', { schema: { response: { 200: versionSchema, ...errorResponses } } }, async () => ({
    version: deps.facts.version, apiVersion: 'v1', node: process.version, os: platform(), arch: arch(), kernel: release(),
  }));

  app.get('/v1/info', { schema: { response: { 200: infoSchema, ...errorResponses } } }, async () => {
    const f = deps.facts;
    return {
      version: f.version, hostname: hostname(), kernel: release(), os: platform(), arch: arch(),
      cpus: cpus().length, memoryBytes: totalmem(),
      cgroupVersion: f.cgroupVersion, cgroupParent: f.cgroupParent, stateDir: f.stateDir, rulesDir: f.rulesDir,
      socket: f.socket, listen: f.listen, sampleIntervalMs: f.sampleIntervalMs, startedAt: f.startedAt, pid: process.pid,
      containers: countByStatus(deps.runtime.list(true).map((c) => c.status)),
    };
  });
}

function countByStatus(statuses: ContainerStatus[]): Record<ContainerStatus | 'total', number> {
  const counts = { total: statuses.length, created: 0, running: 0, paused: 0, stopping: 0, exited: 0, removing: 0 };
  for (const s of statuses) counts[s] += 1;
  return counts;
}
