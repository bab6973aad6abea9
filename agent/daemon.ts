// The composition root: config → claim → logger → events → cgroups → runtime (recover) → API servers.
// Every part is built here and handed what it needs; nothing else wires or starts anything.
// On SIGTERM/SIGINT the listeners close and the runtime stops watching; containers keep running
// (their shims outlive the agent) and the next agent re-adopts them.
import { availableParallelism } from 'node:os';
import pino, { type Logger } from 'pino';
import { claimAgent } from './agent-claim.js';
import type { AgentConfig } from './config.js';
import { EventBus, fileJournal } from './events/index.js';
import { createCgroupManager, shimDeviceProgramLoader } from './cgroups/index.js';
import { createRuntime } from './runtime/index.js';
import { buildServer, listenTcp, listenUnix, type AgentFacts, type ServerDeps } from './api/index.js';
import { findPackageInfo } from './package-info.js';
import { createSampler } from './sampler/index.js';
import { createMetricsRegistry } from './metrics/index.js';
import { createPolicyEngine } from './policy/index.js';
import { StreamHub } from './stream/index.js';
import { join } from 'node:path';

export interface Daemon {
  facts: AgentFacts;
  /** Closes the listeners, then the runtime and the other parts, in reverse order of start. */
  close(): Promise<void>;
}

export async function startDaemon(config: AgentConfig, logger: Logger): Promise<Daemon> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => { for (const c of [...closers].reverse()) await c().catch((err: unknown) => logger.error({ err }, 'drain step failed')); };
  // Before anything reads the state dir or the cgroups: another agent's containers must not be touched.
  const claim = await claimAgent({ pid: process.pid, socket: config.socket, stateDir: config.stateDir, cgroupParent: config.cgroupParent });
  closers.push(() => claim.release());
  try {
    const events = new EventBus({ journal: fileJournal(join(config.stateDir, 'events.log'), logger.child({ part: 'events' })) });
    // Created before the runtime, which calls its admit hook; started once the sampler exists.
    const policy = createPolicyEngine({ rulesDir: config.rulesDir || undefined, events, stateDir: config.stateDir,
      logger: logger.child({ part: 'policy' }) });
    // On cgroup v2 berth-shim attaches the eBPF device program (v1 and hybrid use devices.allow/deny).
    const cgroups = await createCgroupManager({ parent: config.cgroupParent, logger: logger.child({ part: 'cgroups' }),
      deviceProgramLoader: shimDeviceProgramLoader(config.shimPath) });
    const runtime = createRuntime({
      stateDir: config.stateDir, cgroups, events, logger: logger.child({ part: 'runtime' }), shimPath: config.shimPath,
      hostCpus: availableParallelism(), admit: policy.admit,
    });
    closers.push(() => runtime.close());
    await runtime.recover();

    const pkg = findPackageInfo();
    const facts: AgentFacts = {
      version: pkg.version, startedAt: new Date().toISOString(), stateDir: config.stateDir,
      cgroupVersion: cgroups.version, cgroupParent: config.cgroupParent, rulesDir: config.rulesDir,
      socket: config.socket, listen: 'none', sampleIntervalMs: config.sampleIntervalMs,
    };
    const sampler = createSampler({ runtime, cgroups, intervalMs: config.sampleIntervalMs, fullEveryTicks: config.sampleFullEvery, cpuBudget: config.sampleBudget, logger: logger.child({ part: 'sampler' }) });
    closers.push(async () => sampler.stop());
    const metrics = createMetricsRegistry({ store: sampler.store, runtime, containerLabels: config.metricsLabels,
      build: { version: facts.version, node_version: process.version, cgroup_version: cgroups.version } });
    closers.push(async () => metrics.close());
    policy.metrics.register(metrics);
    await policy.start({ runtime, store: sampler.store });
    closers.push(() => policy.stop());
    sampler.start();
    const stream = new StreamHub({ store: sampler.store, events, runtime, intervalMs: config.sampleIntervalMs,
      version: facts.version, logger: logger.child({ part: 'stream' }) });
    stream.start();
    closers.push(async () => stream.stop());
    const dashboardDir = join(pkg.root, 'dist/dashboard');
    const deps: Omit<ServerDeps, 'listener'> = { runtime, events, logger, facts, snapshot: sampler.store, metrics, stream, dashboardDir, policy };

    const unix = buildServer({ ...deps, listener: 'unix' });
    closers.push(() => unix.close());
    await listenUnix(unix, config.socket);
    if (config.listen) {
      const tcp = buildServer({ ...deps, listener: 'tcp', token: config.token });
      closers.push(() => tcp.close());
      facts.listen = await listenTcp(tcp, config.listen);
    }
    events.emit('agent.started', `berth agent ${facts.version} listening on ${config.socket} and ${facts.listen}`);
    logger.info({ socket: config.socket, listen: facts.listen, stateDir: config.stateDir, cgroupVersion: cgroups.version }, 'berth agent ready');
    return { facts, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * A bug that escapes every handler ends the agent as Node would (exit 1, nothing drained: its state
 * is unknown), but with the reason as a fatal line in the agent's own JSON log, where log shippers
 * and `journalctl -o json` readers look, not only as a stack on stderr. The line is written
 * synchronously (pino's default destination). Containers run on: their shims outlive the agent,
 * and the next agent adopts them.
 */
function endOnBug(logger: Logger, kind: string): (err: unknown) => void {
  return (err) => {
    logger.fatal({ err }, `${kind}: the agent stops (a bug; containers keep running and the next agent adopts them)`);
    process.exit(1);
  };
}

/** Runs until SIGTERM/SIGINT, then drains. A second signal, or a drain over `drainMs`, exits at once. */
export async function runDaemon(config: AgentConfig, drainMs = 10_000): Promise<number> {
  const logger = pino({ level: config.logLevel, base: { pid: process.pid } });
  process.on('uncaughtException', endOnBug(logger, 'uncaught exception'));
  process.on('unhandledRejection', endOnBug(logger, 'unhandled rejection'));
  const daemon = await startDaemon(config, logger);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info({ signal }, 'draining: closing listeners; containers keep running');
  const forced = new Promise<number>((resolve) => {
    const timer = setTimeout(() => { logger.error({ drainMs }, 'drain took too long; exiting'); resolve(1); }, drainMs);
    timer.unref();
    process.once('SIGTERM', () => resolve(1));
    process.once('SIGINT', () => resolve(1));
  });
  return Promise.race([daemon.close().then(() => 0), forced]);
}
