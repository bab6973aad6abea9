// The page's one websocket to /v1/stream. It reconnects with exponential backoff when the agent
// goes away, and re-sends the current subscriptions on every new connection (the agent answers
// each with a fresh snapshot, so nothing missed while disconnected stays missing). A connection
// that goes silent (no frame for several sample intervals) is treated as dead.
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import type { Channel, ClientMessage, ServerMessage } from './protocol.js';

export type ConnectionStatus = 'connecting' | 'open' | 'closed';

export interface ConnectionOptions {
  url: string;
  onMessage: (msg: ServerMessage) => void;
  onStatus: (status: ConnectionStatus, detail: string) => void;
  backoff?: BackoffOptions;
  /** Silence after which the socket is dropped and reopened; the hello's interval raises it. */
  minSilenceMs?: number;
}

export class StreamConnection {
  private socket: WebSocket | undefined;
  private readonly wanted = new Set<Channel>();
  private attempt = 0;
  private retryTimer: number | undefined;
  private watchdog: number | undefined;
  private lastFrameAt = 0;
  private silenceMs: number;
  private stopped = false;

  constructor(private readonly opts: ConnectionOptions) {
    this.silenceMs = opts.minSilenceMs ?? 20_000;
  }

  get channels(): Channel[] { return [...this.wanted]; }

  connect(): void {
    this.stopped = false;
    this.open();
  }

  close(): void {
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    window.clearInterval(this.watchdog);
    this.socket?.close(1000, 'page closed');
    this.socket = undefined;
  }

  subscribe(channels: Channel[]): void {
    const fresh = channels.filter((c) => !this.wanted.has(c));
    for (const c of fresh) this.wanted.add(c);
    if (fresh.length) this.send({ type: 'subscribe', channels: fresh });
  }

  unsubscribe(channels: Channel[]): void {
    const gone = channels.filter((c) => this.wanted.delete(c));
    if (gone.length) this.send({ type: 'unsubscribe', channels: gone });
  }

  private send(msg: ClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(msg));
    // Not open: the subscription is re-sent on the next open.
  }

  private open(): void {
    this.opts.onStatus('connecting', this.attempt ? `reconnecting (attempt ${this.attempt + 1})` : 'connecting');
    const socket = new WebSocket(this.opts.url);
    this.socket = socket;
    socket.onopen = () => {
      this.lastFrameAt = Date.now();
      if (this.wanted.size) this.send({ type: 'subscribe', channels: [...this.wanted] });
      this.startWatchdog();
    };
    socket.onmessage = (ev) => this.onFrame(ev.data);
    socket.onclose = (ev) => this.onClose(socket, ev.code, ev.reason);
    // onerror is always followed by onclose, which does the work; the browser logs the details.
    socket.onerror = () => undefined;
  }

  private onFrame(data: unknown): void {
    this.lastFrameAt = Date.now();
    if (typeof data !== 'string') return; // the protocol is JSON text frames only
    let msg: ServerMessage;
    try {
      msg = JSON.parse(data) as ServerMessage;
    } catch {
      this.opts.onStatus('open', `ignored a frame that is not JSON (${data.length} bytes)`);
      return;
    }
    if (msg.type === 'hello') {
      this.attempt = 0;
      this.silenceMs = Math.max(this.opts.minSilenceMs ?? 20_000, msg.intervalMs * 5);
      this.opts.onStatus('open', `connected to berth ${msg.version}`);
    }
    this.opts.onMessage(msg);
  }

  private onClose(socket: WebSocket, code: number, reason: string): void {
    if (socket !== this.socket) return; // an old socket we already replaced
    window.clearInterval(this.watchdog);
    this.socket = undefined;
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt++, this.opts.backoff ?? DEFAULT_BACKOFF);
    const why = reason ? `${code} ${reason}` : `code ${code}`;
    this.opts.onStatus('closed', `stream closed (${why}); retrying in ${(delay / 1000).toFixed(1)} s`);
    this.retryTimer = window.setTimeout(() => this.open(), delay);
  }

  private startWatchdog(): void {
    window.clearInterval(this.watchdog);
    this.watchdog = window.setInterval(() => {
      if (Date.now() - this.lastFrameAt > this.silenceMs) this.socket?.close(4000, 'no frame from the agent');
    }, 1000);
  }
}
