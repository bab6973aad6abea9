// exec with a terminal against a real agent: through the websocket (sizes, resizes, hang-ups, bad
// control messages) and through the CLI run inside a real terminal (script(1) gives it one).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WebSocket } from 'ws';
import { AgentClient, parseHost } from '../../../agent/cli/client.js';
import { startAgent, type TestAgent } from '../../helpers/agent.js';
import { busyboxRootfs } from '../../helpers/rootfs.js';
import { waitFor } from '../../helpers/wait.js';
import { CliInTerminal } from './terminal.js';

const BOX = 'tty-box';

/** A websocket exec: what came on stream 1 (as text), other streams, and the final message. */
class WsExec {
  stdout = '';
  others: number[] = [];
  final: Record<string, any> | undefined;
  readonly closed: Promise<void>;

  constructor(readonly ws: WebSocket, options: object) {
    ws.send(JSON.stringify(options));
    ws.on('message', (data, isBinary) => {
      const bytes = data as Buffer;
      if (!isBinary) this.final = JSON.parse(bytes.toString());
      else if (bytes[0] === 1) this.stdout += bytes.subarray(1).toString();
      else this.others.push(bytes[0]!);
    });
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
  }

  static async open(agent: TestAgent, options: object): Promise<WsExec> {
    return new WsExec(await new AgentClient(parseHost(agent.socket)).websocket(`/v1/containers/${BOX}/exec`), options);
  }

  async until(text: string): Promise<void> {
    await waitFor(`${JSON.stringify(text)} in the output`, () => this.stdout.includes(text)).catch((err: Error) => {
      throw new Error(`${err.message}; it was ${JSON.stringify(this.stdout)}`);
    });
  }
}

describe('exec with a terminal against a real agent', () => {
  let agent: TestAgent;
  before(async () => {
    agent = await startAgent();
    const r = await agent.cli(['run', '-d', '--name', BOX, '--rootfs', busyboxRootfs(), '--', 'sleep', '1000']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => agent?.stop());

  const sleepers = async () => (await agent.cli(['exec', BOX, 'sh', '-c', 'ps -o args | grep -c "^sleep 1[0-9][0-9]$"'])).stdout.trim();

  test('websocket: a terminal of the size asked for, resized by a message (SIGWINCH), its output all on stream 1', async () => {
    const script = 'trap "stty size; exit 4" WINCH; tty; stty size; echo "term=$TERM"; echo err >&2; echo ready; sleep 100 & wait';
    const x = await WsExec.open(agent, { cmd: ['sh', '-c', script], tty: true, consoleSize: { rows: 30, cols: 90 } });
    await x.until('ready');
    x.ws.send(JSON.stringify({ resize: { rows: 45, cols: 150 } }));
    await x.closed;
    assert.deepEqual(x.final, { exitCode: 4 });
    assert.match(x.stdout, /^\/dev\/pts\/\d+\r\n30 90\r\nterm=xterm\r\nerr\r\nready\r\n45 150\r\n$/);
    assert.deepEqual(x.others, [], 'nothing on stream 2 with a tty');
    // An exec is an audit trail: its start and its end are events (docker's exec_start, exec_die).
    const events = (await agent.api('GET', `/v1/events?container=${BOX}`)).body as { kind: string; data?: Record<string, unknown> }[];
    const mine = events.filter((e) => JSON.stringify(e.data?.cmd) === JSON.stringify(['sh', '-c', script]));
    assert.deepEqual(mine.map((e) => [e.kind, e.data?.tty, e.data?.exitCode]), [['container.exec', true, undefined], ['container.exec_exited', true, 4]]);
  });

  test('websocket: a client that leaves hangs the terminal up; the shell and its job get SIGHUP', async () => {
    const x = await WsExec.open(agent, { cmd: ['sh', '-c', 'trap "touch /tmp/hup; exit 1" HUP; echo ready; sleep 101 & wait'], tty: true });
    await x.until('ready');
    assert.equal(await sleepers(), '1');
    x.ws.terminate();
    await waitFor('the trap to run', async () => (await agent.cli(['exec', BOX, 'test', '-e', '/tmp/hup'])).code === 0);
    await waitFor('the job to be gone too', async () => (await sleepers()) === '0');
  });

  test('websocket: a control message that is not one, and a resize without a terminal, are errors naming them', async () => {
    const bad = await WsExec.open(agent, { cmd: ['cat'] });
    bad.ws.send('{"resize":{"rows":-1,"cols":80}}');
    await bad.closed;
    assert.equal(bad.final?.error?.code, 'INVALID_REQUEST');
    assert.match(bad.final?.error?.message, /^control message "\{\\"resize\\".*rows.*>= 0.*; expected \{"closeStdin":true\} or \{"resize"/);
    const noTty = await WsExec.open(agent, { cmd: ['cat'] });
    noTty.ws.send(JSON.stringify({ resize: { rows: 10, cols: 10 } }));
    await noTty.closed;
    assert.match(noTty.final?.error?.message, /^resize: this exec has no terminal/);
    const sizeAlone = await WsExec.open(agent, { cmd: ['true'], consoleSize: { rows: 10, cols: 10 } });
    await sizeAlone.closed;
    assert.match(sizeAlone.final?.error?.message, /^consoleSize: only with "tty": true/);
  });

  test('CLI in a terminal: exec -it has its size and follows its resizes, takes keys raw (^C goes to the container), and exits with the code', async () => {
    const cli = new CliInTerminal(agent, ['exec', '-it', BOX, 'sh'], 33, 101);
    try {
      await cli.terminalPath();
      cli.type('stty size\n');
      await cli.until('33 101');
      await cli.resizeUntilSeenInside(50, 120);
      // Raw: ^C is a byte for the container's terminal, which interrupts its foreground job, not the CLI.
      cli.type('sleep 102\n');
      await waitFor('sleep to run', async () => (await sleepers()) === '1');
      cli.type('\x03');
      await waitFor('sleep to be interrupted', async () => (await sleepers()) === '0');
      cli.type('echo "still $((40+2))"; exit 6\n');
      assert.equal(await cli.exited, 6, cli.output);
      assert.match(cli.output, /still 42/);
    } finally {
      cli.proc.kill('SIGKILL');
    }
  });

  test('CLI: -it with a pipe as stdin is refused as docker refuses it; -t alone and -dt give the command a terminal', async () => {
    const piped = await agent.cli(['exec', '-it', BOX, 'sh'], { input: 'echo x\n' });
    assert.equal(piped.code, 125);
    assert.match(piped.stderr, /the input device is not a TTY/);
    const alone = await agent.cli(['exec', '-t', BOX, 'sh', '-c', 'tty; exit 3']);
    assert.equal(alone.code, 3, alone.stderr);
    assert.match(alone.stdout, /^\/dev\/pts\/\d+\r\n$/);
    const detached = await agent.cli(['exec', '-dt', BOX, 'sh', '-c', 'tty > /tmp/dt; exec sleep 103']);
    assert.equal(detached.code, 0, detached.stderr);
    await waitFor('the detached command to run', async () => /^\/dev\/pts\/\d+$/.test((await agent.cli(['exec', BOX, 'cat', '/tmp/dt'])).stdout.trim()));
  });
});
