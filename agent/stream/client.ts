// One websocket client of the stream hub, with its own backpressure: a slow client never delays
// the sampler or the others. Ticks are state, so a client that falls behind gets only the newest
// tick when it drains (stale ones are replaced, not queued). Events are history, so they queue up
// to a bound; past it the client is told to resync and receives fresh snapshots instead.
import type { WebSocket } from 'ws';
import type { Channel } from './protocol.js';

export interface ClientLimits {
  maxBufferedBytes: number; // above this, ticks are held back (merged) and events queued
  maxOverLimitMs: number;   // a client that stays above the limit this long is disconnected
  maxQueuedEvents: number;  // events held while over the limit before a resync
  heartbeatMs: number;      // ping interval; no pong by the next ping → disconnected
}

export const DEFAULT_LIMITS: ClientLimits = {
  maxBufferedBytes: 1024 * 1024,
  maxOverLimitMs: 10_000,
  maxQueuedEvents: 1000,
  heartbeatMs: 15_000,
};

export class StreamClient {
  readonly channels = new Set<Channel>();
  /** Newest tick frame that could not be sent yet; replaced by every newer one. */
  private heldTick: string | undefined;
  private readonly heldEvents: string[] = [];
  private overSince: number | undefined; // when the current congestion began
  private alive = true;
  needsResync = false;
  dropped = 0;

  constructor(readonly socket: WebSocket, private readonly limits: ClientLimits, private readonly now: () => number) {
    socket.on('pong', () => { this.alive = true; });
  }

  get open(): boolean { return this.socket.readyState === this.socket.OPEN; }

  private congested(): boolean { return this.socket.bufferedAmount > this.limits.maxBufferedBytes; }

  /** Sends regardless of congestion: replies and snapshots the client asked for. */
  sendNow(frame: string): void {
    if (this.open) this.socket.send(frame);
  }

  sendTick(frame: string): void {
    if (this.flush()) {
      this.sendNow(frame);
    } else {
      if (this.heldTick !== undefined) this.dropped++;
      this.heldTick = frame;
    }
  }

  sendEvent(frame: string): void {
    if (this.flush()) {
      this.sendNow(frame);
      return;
    }
    if (this.heldEvents.length >= this.limits.maxQueuedEvents) {
      this.dropped += this.heldEvents.length;
      this.heldEvents.length = 0;
      this.needsResync = true;
      return;
    }
    this.heldEvents.push(frame);
  }

  /**
   * Sends what was held back once the socket has drained. Returns true when the client is clear,
   * i.e. new frames may go straight out.
   */
  flush(): boolean {
    if (this.congested()) {
      this.overSince ??= this.now();
      return false;
    }
    this.overSince = undefined;
    for (const e of this.heldEvents.splice(0)) this.sendNow(e);
    if (this.heldTick !== undefined) {
      const tick = this.heldTick;
      this.heldTick = undefined;
      this.sendNow(tick);
    }
    return !this.needsResync;
  }

  /** True when the client has been congested too long or missed a pong: the hub disconnects it. */
  overLimit(): boolean {
    return this.overSince !== undefined && this.now() - this.overSince > this.limits.maxOverLimitMs;
  }

  /** Called every heartbeat: false when the previous ping was never answered. */
  heartbeat(): boolean {
    if (!this.alive) return false;
    this.alive = false;
    if (this.open) this.socket.ping();
    return true;
  }
}
