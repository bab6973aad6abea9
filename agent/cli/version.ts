import { BerthError } from '../errors.js';
import { findPackageInfo } from '../package-info.js';
import type { Command } from './command.js';

interface ServerVersion { version: string; apiVersion: string; node: string; os: string; arch: string; kernel: string }

export const version: Command = {
  name: 'version', usage: 'version', summary: 'Show the versions of the CLI and of the agent', flags: [], maxArgs: 0,
  async run(ctx) {
    ctx.out(['Client:', `  Version:  ${findPackageInfo().version}`, `  Node:     ${process.version}`, `  OS/Arch:  ${process.platform}/${process.arch}`, ''].join('\n'));
    try {
      const v = await ctx.client().call<ServerVersion>('GET', '/v1/version');
      ctx.out(['', 'Agent:', `  Version:  ${v.version}`, `  API:      ${v.apiVersion}`, `  Node:     ${v.node}`, `  OS/Arch:  ${v.os}/${v.arch}`, `  Kernel:   ${v.kernel}`, ''].join('\n'));
      return 0;
    } catch (err) {
      // Like docker: the client part is still useful when the agent is down.
      if (err instanceof BerthError) { ctx.err(`berth: ${err.message}\n`); return err.exitCode; }
      throw err;
    }
  },
};
