// HTTP to the agent: over its unix socket by default, or TCP (`--host tcp://127.0.0.1:9465`,
// with BERTH_TOKEN as the bearer token). Agent errors come back as BerthErrors with the agent's
// code, so the CLI's exit code follows the catalogue; a missing agent is a clear 125.
import { request, type IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import type { WebSocket } from 'ws';
import { BerthError, ERROR_CODES, errnoCode, type ErrorCode } from '../errors.js';

export const DEFAULT_HOST = 'unix:///run/berth/berth.sock';

export type Target = { kind: 'unix'; path: string; shown: string } | { kind: 'tcp'; host: string; port: number; shown: string };

/** "unix:///run/x.sock", "/run/x.sock", "tcp://host:port", "http://host:port", "host:port". */
export function parseHost(value: string): Target {
  const v = value.trim();
  if (v.startsWith('unix://')) return { kind: 'unix', path: v.slice('unix://'.length), shown: v };
  if (v.startsWith('/') || v.startsWith('.')) return { kind: 'unix', path: v, shown: `unix://${v}` };
  const m = /^(?:(?:tcp|http):\/\/)?(\[[0-9a-fA-F:.]+\]|[^:/\s]+):(\d{1,5})\/?$/.exec(v);
  if (!m) throw new BerthError('INVALID_REQUEST', `--host "${value}": use unix:///path/to.sock, /path/to.sock or tcp://host:port`, { flag: '--host' });
  return { kind: 'tcp', host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]), shown: `tcp://${m[1]}:${m[2]}` };
}

export interface Reply { status: number; headers: IncomingMessage['headers']; body: unknown }

export class AgentClient {
  constructor(readonly target: Target, private readonly token = '') {}

  /** A JSON call; an error status becomes the agent's BerthError. */
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.open(method, path, body);
    const text = await readAll(res);
    const parsed = text && String(res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text;
    if ((res.statusCode ?? 500) >= 400) throw agentError(res.statusCode ?? 500, parsed);
    return parsed as T;
  }

  /** A streamed response (logs, exec): the caller reads it; error statuses are thrown before. */
  async stream(method: string, path: string, body?: unknown): Promise<IncomingMessage> {
    const res = await this.open(method, path, body);
    if ((res.statusCode ?? 500) >= 400) {
      const text = await readAll(res);
      throw agentError(res.statusCode ?? 500, safeJson(text));
    }
    return res;
  }

  /**
   * A websocket to `path` (exec -i), open once this resolves. A refusal before the upgrade (no
   * such container is a 404, a missing token a 401) becomes the agent's BerthError.
   */
  async websocket(path: string): Promise<WebSocket> {
    const { WebSocket } = await import('ws'); // loaded by the commands that need it: every command's start pays for what it imports
    const url = this.target.kind === 'unix' ? `ws+unix://${this.target.path}:${path}` : `ws://${this.target.host}:${this.target.port}${path}`;
    const headers: Record<string, string> = this.token && this.target.kind === 'tcp' ? { authorization: `Bearer ${this.token}` } : {};
    const ws = new WebSocket(url, { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      // With this listener ws leaves the refused request to us: its socket would keep the CLI alive.
      ws.once('unexpected-response', (_req, res) => {
        readAll(res).then((text) => reject(agentError(res.statusCode ?? 500, safeJson(text))), reject).finally(() => ws.terminate());
      });
      ws.once('error', (err) => reject(this.unreachable(err)));
    });
  }

  private open(method: string, path: string, body?: unknown): Promise<IncomingMessage> {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const where = this.target.kind === 'unix' ? { socketPath: this.target.path } : { host: this.target.host, port: this.target.port };
    const headers: Record<string, string> = { accept: 'application/json' };
    if (data) { headers['content-type'] = 'application/json'; headers['content-length'] = String(data.length); }
    if (this.token && this.target.kind === 'tcp') headers.authorization = `Bearer ${this.token}`;
    return new Promise((resolve, reject) => {
      // agent:false: no keep-alive pool, so the CLI process exits as soon as its work is done.
      const req = request({ ...where, method, path, headers, agent: false }, resolve);
      let connected = false; // an error after that is the agent going away mid-call (a wait, a follow)
      req.once('socket', (socket) => socket.once('connect', () => { connected = true; }));
      req.once('error', (err) => reject(connected ? this.lost(err) : this.unreachable(err)));
      req.end(data);
    });
  }

  private unreachable(err: Error): BerthError {
    const code = errnoCode(err);
    const hint = code === 'EACCES' ? ' (permission denied: run as root or as a member of the group berth)' : '';
    return new BerthError('AGENT_UNREACHABLE',
      `cannot reach the agent at ${this.target.shown} (${code ?? err.message})${hint}; is \`berth agent\` running?`, { host: this.target.shown }, { cause: err });
  }

  private lost(err: Error): BerthError {
    return new BerthError('AGENT_UNREACHABLE', `lost the connection to the agent at ${this.target.shown} (${errnoCode(err) ?? err.message}): `
      + 'did it stop or restart? Containers keep running without it', { host: this.target.shown }, { cause: err });
  }
}

function agentError(status: number, body: unknown): BerthError {
  const e = (body as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | undefined)?.error;
  const code = (e?.code && e.code in ERROR_CODES ? e.code : 'INTERNAL') as ErrorCode;
  return new BerthError(code, e?.message ?? `the agent answered ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`, e?.details);
}

function safeJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return text; }
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.once('error', reject);
  });
}

/**
 * NDJSON frames of a streamed response, one parsed object per line. The response destroyed here
 * (the user interrupted a follow) ends the frames; cut off by the agent (it stopped or restarted)
 * it is an AGENT_UNREACHABLE error, not a quiet end. (readline over the response did neither: a
 * local destroy left the loop pending for ever and node exited with code 13.)
 */
export async function* ndjson<T>(res: IncomingMessage): AsyncGenerator<T> {
  for await (const batch of ndjsonBatches<T>(res)) yield* batch;
}

/** The same, as the frames of each piece of the response received: a printer writes each batch at once. */
async function* ndjsonBatches<T>(res: IncomingMessage): AsyncGenerator<T[]> {
  const decoder = new StringDecoder('utf8');
  let partial = '';
  for await (const piece of responsePieces(res)) {
    const lines = (partial + decoder.write(piece)).split('\n');
    partial = lines.pop()!;
    const batch = lines.filter((line) => line.trim()).map((line) => JSON.parse(line) as T);
    if (batch.length) yield batch;
  }
  const last = (partial + decoder.end()).trim();
  if (last && res.complete) yield [JSON.parse(last) as T]; // not a line cut off by a destroyed response
}

/** The pieces of a streamed response as they arrive, ended as `ndjson` says. */
export async function* responsePieces(res: IncomingMessage): AsyncGenerator<Buffer> {
  const chunks = res[Symbol.asyncIterator]();
  for (;;) {
    let next: IteratorResult<Buffer>;
    try {
      next = await chunks.next();
    } catch (err) {
      if (errnoCode(err) === 'ERR_STREAM_PREMATURE_CLOSE') return;
      if (errnoCode(err) !== 'ECONNRESET') throw err;
      throw new BerthError('AGENT_UNREACHABLE', 'the agent closed the connection before the end of the stream (did it stop or restart?)', undefined, { cause: err });
    }
    if (next.done) return;
    yield next.value;
  }
}
