// start: release the init process the shim holds at the start fifo (runc's exec.fifo); an exited
// container first gets a new init (relaunch.ts), as `docker start` runs a stopped container again;
// so does a created one whose shim did not survive a host restart.
import { assertAllowed, needsNewInit, type ContainerRecord } from './container.js';
import { describe, type RuntimeContext } from './context.js';
import { relaunchContainer } from './relaunch.js';
import { writeStartFifo } from './shim.js';

export async function startContainer(ctx: RuntimeContext, record: ContainerRecord): Promise<void> {
  assertAllowed(record, 'start');
  if (needsNewInit(record)) await relaunchContainer(ctx, record);
  // Marked running before the byte is written: a command as short as /bin/true may exit (and be
  // recorded as exited) before the write returns, and must not be overwritten by `running`.
  record.status = 'running';
  record.startedAt = new Date().toISOString();
  try {
    await writeStartFifo(record.files.startFifo, `start ${describe(record)}`);
  } catch (err) {
    if (record.status === 'running') {
      record.status = 'created';
      delete record.startedAt;
    }
    throw err;
  }
  ctx.emit('container.started', record, `started ${describe(record)}`, { pid: record.pid });
  ctx.persistLater(record); // recovery also knows a started container by its missing start fifo
}
