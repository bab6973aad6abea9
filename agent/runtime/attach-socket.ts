// A client of a container's attach socket (`<state dir>/attach.sock`, served by its monitor:
// agent/native/attach.c): the container's stdin and its terminal's size, as framed messages
// `<type><u32 LE length><payload>` ('d' bytes, 's' u16 rows + u16 cols, 'e' end of stdin).
// Closing the connection is a detach. The output is not here: it is in the log.
import { closeSync, openSync, constants } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { BerthError, errnoCode } from '../errors.js';
import type { TerminalSize } from './types.js';

export const ATTACH_SOCKET = 'attach.sock';

export class AttachConnection {
  private closed = false;

  private constructor(private readonly socket: Socket, private readonly onClose?: () => void) {
    socket.on('error', () => undefined); // the monitor gone with its container: the exit says so
  }

  /**
   * Connects through the state dir's descriptor (`/proc/self/fd/N/attach.sock`): the full path of
   * a container's state dir may be longer than a unix socket path can be.
   */
  static async connect(stateDir: string, onClose?: () => void): Promise<AttachConnection> {
    const dirFd = openSync(stateDir, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
      const socket = connect(`/proc/self/fd/${dirFd}/${ATTACH_SOCKET}`);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', (err) => reject(new BerthError('INVALID_STATE',
          `attach ${join(stateDir, ATTACH_SOCKET)}: ${errnoCode(err) ?? err.message} (the container is not running with stdin or a tty)`, { path: stateDir }, { cause: err })));
      });
      return new AttachConnection(socket, onClose);
    } finally {
      closeSync(dirFd);
    }
  }

  /** Resolves when the monitor has taken the bytes into its socket (backpressure for the caller). */
  write(data: Buffer): Promise<void> {
    return this.send('d', data);
  }

  /** The end of the container's stdin (it reads EOF); with a tty nothing happens. */
  end(): Promise<void> {
    return this.send('e', Buffer.alloc(0));
  }

  resize(size: TerminalSize): Promise<void> {
    const payload = Buffer.alloc(4);
    payload.writeUInt16LE(size.rows, 0);
    payload.writeUInt16LE(size.cols, 2);
    return this.send('s', payload);
  }

  /** A detach (once, however often it is called). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end();
    this.onClose?.();
  }

  private send(type: 'd' | 's' | 'e', payload: Buffer): Promise<void> {
    const head = Buffer.alloc(5);
    head.write(type, 0, 'latin1');
    head.writeUInt32LE(payload.length, 1);
    return new Promise((resolve) => {
      if (this.socket.destroyed) { resolve(); return; }
      this.socket.write(payload.length ? Buffer.concat([head, payload]) : head, () => resolve());
    });
  }
}
