// attach: what docker attach gives. The container's output comes from its log, as it wrote it
// (an interactive container's is logged as it comes: agent/native/attach.c), until it has exited;
// its stdin (created with openStdin, -i) and its terminal's size (tty, -t) go through the attach
// socket its monitor serves, so an attach survives nothing but the container, and the agent's
// restart loses nothing of the container's stdin.
import { dirname } from 'node:path';
import { BerthError } from '../errors.js';
import { AttachConnection } from './attach-socket.js';
import { describe, type RuntimeContext } from './context.js';
import { isLive, type ContainerRecord } from './container.js';
import { CriOutputParser, type OutputChunk } from './cri-log.js';
import { LogStream } from './logs.js';
import type { OutputOptions } from './types.js';

/**
 * From now on (or the whole log with `fromStart`) until the container has exited and its log is
 * drained, or `signal` aborted (the client left); with `follow: false`, what the log holds now.
 * Resolves once the log is positioned: whatever the container writes after is in it.
 */
export async function containerOutput(ctx: RuntimeContext, record: ContainerRecord, opts: OutputOptions): Promise<AsyncIterable<OutputChunk>> {
  const log = new LogStream(ctx, record, { follow: (opts.follow ?? true) && isLive(record), signal: opts.signal });
  if (!opts.fromStart) await log.skipToEnd();
  const parser = new CriOutputParser();
  return (async function* () {
    try {
      if (opts.fromStart) for await (const chunk of log.existing()) yield* parser.push(chunk);
      for await (const chunk of log.appended()) yield* parser.push(chunk);
    } finally {
      await log.close();
    }
  })();
}

/** A connection to the container's monitor for its stdin and terminal size; close() detaches (then `onDetach`). */
export async function attachInput(record: ContainerRecord, onDetach?: () => void): Promise<AttachConnection> {
  if (!isLive(record)) {
    throw new BerthError('INVALID_STATE', `attach to ${describe(record)}: it is ${record.status}; start it first`, { id: record.id, status: record.status });
  }
  if (!record.spec.openStdin && !record.spec.tty) {
    throw new BerthError('INVALID_REQUEST', `attach to ${describe(record)}: it has no stdin to send to and no terminal (create it with -i or -t); its output is in \`logs -f\``, { id: record.id });
  }
  return AttachConnection.connect(dirname(record.files.exit), onDetach);
}
