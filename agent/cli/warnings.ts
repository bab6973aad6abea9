import type { CliContext } from './command.js';

/** Admission warnings (policy in warn mode) go to stderr, so stdout stays the id. */
export function printWarnings(ctx: CliContext, warnings: string[] | undefined): void {
  for (const w of warnings ?? []) ctx.err(`WARNING: ${w}\n`);
}
