// Terminal latency: a key typed into a container's terminal until its echo comes back, through a
// real agent's websockets: `attach` to a container created with -it (keys through its monitor's
// attach socket, the echo through its log, which the agent follows) and `exec -it` (keys and echo
// through the exec shim). Reference in the same run: the same round trip through a pseudo-terminal
// of the host with nothing between (script(1), whose terminal echoes): the floor any container
// terminal pays.
// Run: node --import tsx test/bench/terminal.ts   (root; KEYS=300 to change)
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import { AgentClient, parseHost } from '../../agent/cli/client.js';
import { startAgent } from '../helpers/agent.js';
import { busyboxRootfs } from '../helpers/rootfs.js';

const KEYS = Number(process.env.KEYS ?? 300);

/** What a terminal shows; `next(key)` resolves when `key` is the last thing it shows (timed at the data event, not polled). */
class Screen {
  private text = '';
  private waiter: { key: string; resolve: () => void } | undefined;

  show(data: string): void {
    this.text += data;
    if (this.waiter && this.text.endsWith(this.waiter.key)) { this.waiter.resolve(); this.waiter = undefined; }
  }

  next(key: string): Promise<void> {
    return new Promise((resolve) => { this.waiter = { key, resolve }; });
  }
}

/** Round trips of one key each: `send` types it; timed until its echo arrives. */
async function roundTrips(send: (key: string) => void, screen: Screen): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    const key = String.fromCharCode(97 + (i % 26));
    const echoed = screen.next(key);
    const t0 = performance.now();
    send(key);
    await Promise.race([echoed, new Promise((_, reject) => setTimeout(() => reject(new Error(`no echo of key ${i} in 10 s`)), 10_000).unref())]);
    times.push(performance.now() - t0);
  }
  return times;
}

/** A websocket session's stream-1 output on a Screen. */
function screenOf(ws: WebSocket): Screen {
  const screen = new Screen();
  ws.on('message', (data, isBinary) => { if (isBinary && (data as Buffer)[0] === 1) screen.show((data as Buffer).subarray(1).toString()); });
  return screen;
}

function stats(name: string, times: number[], floor?: number): string {
  const s = [...times].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  const ratio = floor ? `  ${(at(0.5) / floor).toFixed(1)}× the floor` : '';
  return `${name.padEnd(34)} median ${at(0.5).toFixed(2).padStart(6)} ms  p90 ${at(0.9).toFixed(2).padStart(6)} ms  p99 ${at(0.99).toFixed(2).padStart(6)} ms${ratio}`;
}

async function main(): Promise<void> {
  const agent = await startAgent();
  const client = new AgentClient(parseHost(agent.socket));
  const script = spawn('script', ['-qfc', 'cat', '/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'] });
  try {
    // The floor: the host's own terminal echo through script.
    const host = new Screen();
    script.stdout!.on('data', (d: Buffer) => host.show(d.toString()));
    const floor = await roundTrips((k) => script.stdin!.write(k), host);

    const created = await agent.cli(['run', '-dit', '--name', 'term-bench', '--rootfs', busyboxRootfs(), '--', 'cat']);
    if (created.code !== 0) throw new Error(created.stderr);
    const attachWs = await client.websocket('/v1/containers/term-bench/attach');
    const attachScreen = screenOf(attachWs);
    attachWs.send(JSON.stringify({ stdin: true }));
    await new Promise<void>((resolve) => attachWs.once('message', () => resolve())); // {"attached":true}
    const attached = await roundTrips((k) => attachWs.send(Buffer.from(k)), attachScreen);
    attachWs.close();

    const execWs = await client.websocket('/v1/containers/term-bench/exec');
    const execScreen = screenOf(execWs);
    execWs.send(JSON.stringify({ cmd: ['cat'], tty: true }));
    const execed = await roundTrips((k) => execWs.send(Buffer.from(k)), execScreen);
    execWs.close();

    const floorMedian = [...floor].sort((a, b) => a - b)[Math.floor(floor.length / 2)]!;
    console.log(`terminal echo round trip, ${KEYS} keys each (1 key in, its echo back)`);
    console.log(stats('host pty (script), the floor', floor));
    console.log(stats('attach (-it container)', attached, floorMedian));
    console.log(stats('exec -it', execed, floorMedian));
  } finally {
    script.kill('SIGKILL');
    await agent.stop();
  }
}

await main();
