// One agent per state dir and per cgroup parent. Two agents on one state dir would both adopt,
// restart and write the same containers; an agent whose cgroup parent another one uses would take
// that agent's containers for orphans at its start and kill them. Each claim is an abstract unix
// socket (Linux): binding a name is exclusive, and the kernel releases it when the agent ends,
// however it ends, so no stale lock is ever left behind (a pid file, after a crash or a reboot,
// names someone else). The holder answers a connection with who it is, for the refusal's message.
// Abstract names live in a network namespace: agents in different ones do not see each other's.
import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { BerthError, isErrno } from './errors.js';

export interface AgentIdentity { pid: number; socket: string; stateDir: string; cgroupParent: string }

export interface AgentClaim { release(): Promise<void> }

/** Claims the state dir (made if missing) and the cgroup parent for this agent, or says who holds them. */
export async function claimAgent(me: AgentIdentity): Promise<AgentClaim> {
  mkdirSync(me.stateDir, { recursive: true, mode: 0o700 });
  const held: Server[] = [];
  const release = async () => { for (const s of held) await new Promise((r) => s.close(r)); };
  const claims = [
    { what: `state dir ${me.stateDir}`, key: `state-dir:${realpathSync(me.stateDir)}`, flag: '--state-dir' },
    { what: `cgroup parent ${me.cgroupParent}`, key: `cgroup-parent:${me.cgroupParent}`, flag: '--cgroup-parent' },
  ];
  try {
    for (const c of claims) held.push(await claim(claimName(c.key), me, c.what, c.flag));
  } catch (err) {
    await release();
    throw err;
  }
  return { release };
}

/** sun_path holds 107 bytes: the key is hashed into a name of fixed length. */
function claimName(key: string): string {
  return `\0berth-agent/${createHash('sha256').update(key).digest('hex').slice(0, 40)}`;
}

async function claim(name: string, me: AgentIdentity, what: string, flag: string): Promise<Server> {
  const server = createServer((conn) => conn.end(JSON.stringify(me)));
  server.unref(); // a claim alone must not keep the agent alive
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(name, () => { server.off('error', reject); resolve(); });
    });
    return server;
  } catch (err) {
    if (!isErrno(err, 'EADDRINUSE')) throw new BerthError('INTERNAL', `claim ${what}: ${(err as Error).message}`, undefined, { cause: err });
    const holder = await whoHolds(name);
    throw new BerthError('INVALID_CONFIG', `${what} is in use by another agent${holder ? ` (pid ${holder.pid}, socket ${holder.socket})` : ''}; `
      + `stop it, or choose another ${flag}`, { key: flag, ...(holder ? { holder } : {}) });
  }
}

/** What the holder says about itself; undefined if it does not answer (it may just be ending). */
function whoHolds(name: string): Promise<AgentIdentity | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const conn = connect(name);
    conn.setEncoding('utf8');
    conn.setTimeout(1000, () => conn.destroy());
    conn.on('data', (d: string) => { text += d; });
    conn.on('error', () => resolve(undefined));
    conn.on('close', () => {
      try {
        resolve(JSON.parse(text) as AgentIdentity);
      } catch {
        resolve(undefined);
      }
    });
  });
}
