// Where the stdio of execs goes: a unix socket in the state dir that every exec shim (forked by
// the spawner, so not the agent's child and without pipes to it) connects to once per stream,
// opening each connection with the line `<exec id> stdout|stderr|stdin|tty` (agent/native/exec-io.c;
// with a tty there is no stderr, and the tty connection carries its sizes; its end hangs it up). The exec ids
// are random, so a connection names an exec the agent expects or is dropped; the socket is in
// the state dir, which only root can enter.
import { createServer, type Server, type Socket } from 'node:net';
import { unlink } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import type { Logger } from 'pino';
import { BerthError, errnoCode, isErrno } from '../errors.js';
import type { TerminalSize } from './types.js';

/** In the state dir. */
export const EXEC_SOCKET = 'exec.sock';
/** sun_path holds 108 bytes with the terminating NUL. */
const MAX_SOCKET_PATH = 107;
/** `<id of at most 128 bytes> stderr\n` */
const MAX_HELLO = 160;

const STREAMS = ['stdout', 'stderr', 'stdin', 'tty'] as const;
type Stream = (typeof STREAMS)[number];

/**
 * One exec's stdio. The output streams are not ended here: the exec may still add a failure to
 * stderr. What is written to `stdin` goes to the process (once its connection is there, if ever).
 */
export class ExecOutput {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly stdin = new PassThrough();
  /** The output connections (stdout, and stderr without a tty) have ended (or the exec never connected: cancel()). */
  readonly closed: Promise<void>;
  private readonly attached = new Set<string>();
  private readonly outputs: number;
  private ends = 0;
  private resolveClosed!: () => void;
  /** With a tty: its connection, or the newest size asked for before it came, or a hangup. */
  private tty: Socket | undefined;
  private pendingSize: TerminalSize | undefined;
  private hungUp = false;

  constructor(tty: boolean) {
    this.outputs = tty ? 1 : 2;
    this.closed = new Promise((resolve) => { this.resolveClosed = resolve; });
  }

  /** A new terminal size (with a tty), sent once the tty connection is there. */
  resize(size: TerminalSize): void {
    if (this.tty) this.tty.write(`${size.rows} ${size.cols}\n`);
    else this.pendingSize = size;
  }

  /** Hangs the terminal up (with a tty): the shim closes it, the kernel sends the command SIGHUP. */
  hangup(): void {
    this.hungUp = true;
    this.tty?.end();
  }

  /** False when this stream already has its connection (a second one is refused). */
  attach(stream: Stream, socket: Socket, first: Buffer): boolean {
    if (this.attached.has(stream)) return false;
    this.attached.add(stream);
    if (stream === 'stdin' || stream === 'tty') {
      socket.resume(); // nothing comes this way but its close
      if (stream === 'stdin') {
        this.stdin.pipe(socket); // its end is the process's EOF
      } else {
        this.tty = socket;
        if (this.pendingSize) this.resize(this.pendingSize);
        if (this.hungUp) this.hangup();
      }
      return true;
    }
    const target = this[stream];
    if (first.length > 0) target.write(first);
    socket.pipe(target, { end: false });
    socket.once('close', () => { if (++this.ends === this.outputs) this.resolveClosed(); });
    return true;
  }

  cancel(): void { this.resolveClosed(); }
}

export class ExecStdioServer {
  private server: Server | undefined;
  private listening: Promise<void> | undefined;
  private readonly expected = new Map<string, ExecOutput>();
  /** Open connections: close() ends them (a server closes only once its last connection has). */
  private readonly connections = new Set<Socket>();

  /** Throws at once (at the agent's start) for a path no socket can have. */
  constructor(readonly path: string, private readonly logger: Logger) {
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
      throw new BerthError('INVALID_CONFIG', `exec output socket ${path}: longer than ${MAX_SOCKET_PATH} bytes (a unix socket path's limit); use a shorter --state-dir`, { path });
    }
  }

  /** Registers exec `id` (listening first, on the first exec); forget() it once it ended. */
  async expect(id: string, opts: { tty?: boolean } = {}): Promise<ExecOutput> {
    await (this.listening ??= this.listen());
    const output = new ExecOutput(opts.tty ?? false);
    this.expected.set(id, output);
    return output;
  }

  forget(id: string): void {
    this.expected.delete(id);
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.listening = undefined;
    if (!server) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // An exec still running loses its output from here on (its shim drains and drops it), as a
    // client of a stopping agent does.
    for (const socket of this.connections) socket.destroy();
    await closed;
    await unlink(this.path).catch(() => undefined);
  }

  private async listen(): Promise<void> {
    // A socket file left by an agent that crashed would make listen fail with EADDRINUSE.
    await unlink(this.path).catch((err: unknown) => { if (!isErrno(err, 'ENOENT')) throw err; });
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err) => reject(new BerthError('LAUNCH_FAILED', `exec output socket ${this.path}: listen: ${errnoCode(err) ?? err.message}`, { path: this.path }, { cause: err })));
      server.listen(this.path, () => resolve());
    }).catch((err: unknown) => { this.listening = undefined; throw err; });
    server.on('error', (err) => this.logger.warn({ err, path: this.path }, 'exec output socket error'));
    this.server = server;
  }

  /** Reads the hello line, then hands the connection to its exec's stream. */
  private accept(socket: Socket): void {
    let head = Buffer.alloc(0);
    this.connections.add(socket);
    socket.once('close', () => this.connections.delete(socket));
    socket.on('error', (err) => this.logger.debug({ err }, 'exec output connection error'));
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const newline = head.indexOf(10);
      if (newline < 0) {
        if (head.length > MAX_HELLO) this.refuse(socket, head.subarray(0, 40).toString());
        return;
      }
      socket.off('data', onData);
      socket.pause();
      const [id = '', stream] = head.subarray(0, newline).toString().split(' ');
      const output = this.expected.get(id);
      const known = STREAMS.includes(stream as Stream);
      if (!output || !known || !output.attach(stream as Stream, socket, head.subarray(newline + 1))) this.refuse(socket, head.subarray(0, newline).toString());
    };
    socket.on('data', onData);
  }

  private refuse(socket: Socket, hello: string): void {
    this.logger.warn({ hello }, 'exec output socket: a connection for no expected exec stream; closed');
    socket.destroy();
  }
}
