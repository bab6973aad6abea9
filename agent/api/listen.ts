// Puts a built server on its listener. The unix socket: parent directory created, a stale
// socket left by a dead agent removed, a live agent's socket refused (two agents must never
// share one), mode 0660 and group `berth` when that group exists. TCP: host and port as given.
import { chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { BerthError, isErrno } from '../errors.js';
import type { ListenAddress } from '../config.js';

export const SOCKET_MODE = 0o660;

export async function listenUnix(app: FastifyInstance, socketPath: string, groupFile = '/etc/group'): Promise<void> {
  mkdirSync(dirname(socketPath), { recursive: true, mode: 0o755 });
  await removeStaleSocket(socketPath);
  await app.listen({ path: socketPath });
  chmodSync(socketPath, SOCKET_MODE);
  const gid = groupId('berth', groupFile);
  if (gid !== undefined) chownSync(socketPath, 0, gid);
}

/** Returns the bound "host:port" (the real port when 0 was asked for). */
export async function listenTcp(app: FastifyInstance, address: ListenAddress): Promise<string> {
  await app.listen({ host: address.host, port: address.port });
  const bound = app.server.address();
  const port = bound && typeof bound === 'object' ? bound.port : address.port;
  return address.host.includes(':') ? `[${address.host}]:${port}` : `${address.host}:${port}`;
}

async function removeStaleSocket(socketPath: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(socketPath).isSocket();
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return;
    throw new BerthError('INTERNAL', `stat ${socketPath}: ${(err as Error).message}`, undefined, { cause: err });
  }
  if (!isSocket) throw new BerthError('INVALID_CONFIG', `listen ${socketPath}: the path exists and is not a socket; remove it or choose another --socket`, { key: '--socket' });
  if (await socketAnswers(socketPath)) {
    throw new BerthError('INVALID_CONFIG', `listen ${socketPath}: another agent is listening on this socket; stop it or choose another --socket`, { key: '--socket' });
  }
  unlinkSync(socketPath);
}

/** true: something accepts connections; false: nobody listens (ECONNREFUSED), so the socket is stale. */
function socketAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const sock = connect({ path: socketPath });
    sock.once('connect', () => { sock.destroy(); resolve(true); });
    sock.once('error', (err) => {
      if (isErrno(err, 'ECONNREFUSED', 'ENOENT')) resolve(false);
      else reject(new BerthError('INTERNAL', `connect ${socketPath}: ${err.message}`, undefined, { cause: err }));
    });
  });
}

function groupId(name: string, groupFile: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(groupFile, 'utf8');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return undefined;
    throw new BerthError('INTERNAL', `read ${groupFile}: ${(err as Error).message}`, undefined, { cause: err });
  }
  const line = text.split('\n').find((l) => l.split(':')[0] === name);
  return line ? Number(line.split(':')[2]) : undefined;
}
