// The `berth` binary: `berth agent …` runs the daemon, every other verb is a CLI command.
import { accessSync, constants } from 'node:fs';
import type { AgentConfig } from './config.js';
import { BerthError } from './errors.js';
import { findPackageInfo } from './package-info.js';
import { parseGlobal, reportError, runCli, type CliIo } from './cli/index.js';

async function main(argv: string[]): Promise<number> {
  const io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() };
  try {
    const g = parseGlobal(argv);
    if (g.verb === 'agent') return await agent(g.rest, io);
    return await runCli(g, io);
  } catch (err) {
    return reportError(err, (text) => io.stderr.write(text));
  }
}

// The daemon's modules (fastify, the CEL engine, the sampler, …) are loaded only to run it: a CLI
// command starts in a fraction of the time without them.
async function agent(args: string[], io: CliIo): Promise<number> {
  const { agentHelp, loadConfig } = await import('./config.js');
  const { runDaemon } = await import('./daemon.js');
  const ctx = { cwd: io.cwd, packageRoot: findPackageInfo().root };
  if (args.includes('--help') || args.includes('-h')) { io.stdout.write(agentHelp(ctx)); return 0; }
  const config = loadConfig(args, io.env, ctx);
  checkShim(config);
  const code = await runDaemon(config);
  // Watchers and timers are closed; exiting here also ends anything a part forgot to unref.
  process.exit(code);
}

function checkShim(config: AgentConfig): void {
  try {
    accessSync(config.shimPath, constants.X_OK);
  } catch (err) {
    throw new BerthError('INVALID_CONFIG', `berth-shim at ${config.shimPath}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; build it with \`node scripts/build.mjs shim\` or pass --shim-path`, { key: '--shim-path' });
  }
}

process.exitCode = await main(process.argv.slice(2));
