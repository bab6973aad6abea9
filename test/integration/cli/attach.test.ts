// run -i / -t, create -it + start -ai, attach and detach against a real agent: a container's stdin
// and terminal through its monitor, its output from its log as it comes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentClient, parseHost } from '../../../agent/cli/client.js';
import { LOG_FILE } from '../../../agent/runtime/plan.js';
import { ROOT, startAgent, type TestAgent } from '../../helpers/agent.js';
import { busyboxRootfs } from '../../helpers/rootfs.js';
import { waitFor } from '../../helpers/wait.js';
import { CliInTerminal } from './terminal.js';

describe('a container\'s stdin and terminal against a real agent', () => {
  let agent: TestAgent;
  let rootfs: string;
  before(async () => { rootfs = busyboxRootfs(); agent = await startAgent(); });
  after(() => agent?.stop());

  const status = async (name: string) => (await agent.api('GET', `/v1/containers/${name}`)).body.status as string | undefined;
  const inContainer = async (name: string, script: string) => (await agent.cli(['exec', name, 'sh', '-c', script])).stdout.trim();

  test('run -it: a terminal of this one\'s size following its resizes, raw keys (^C reaches the container), the exit code, and --rm', async () => {
    const cli = new CliInTerminal(agent, ['run', '-it', '--rm', '--name', 'it-box', '--rootfs', rootfs, '--', 'sh'], 31, 97);
    try {
      await cli.terminalPath();
      cli.type('stty size; tty; echo "term=$TERM"\n');
      await cli.until(/31 97\r\n\/dev\/pts\/0\r\nterm=xterm/); // as the container's terminal wrote it: this one adds no \r
      await cli.resizeUntilSeenInside(44, 120);
      cli.type('sleep 104\n');
      await waitFor('sleep to run', async () => (await inContainer('it-box', 'ps -o args | grep -c "^sleep 104$"')) === '1');
      cli.type('\x03');
      await waitFor('sleep to be interrupted', async () => (await inContainer('it-box', 'ps -o args | grep -c "^sleep 104$"')) === '0');
      cli.type('exit 5\n');
      assert.equal(await cli.exited, 5, cli.output);
      await waitFor('--rm to remove it', async () => (await status('it-box')) === undefined);
    } finally {
      cli.proc.kill('SIGKILL');
    }
  });

  test('^P ^Q detaches and leaves it running; attach takes it up again (terminal and keys) and gets its exit code', async () => {
    const first = new CliInTerminal(agent, ['run', '-it', '--name', 'detach-box', '--rootfs', rootfs, '--', 'sh'], 24, 80);
    try {
      await first.until('/ # ');
      first.type('echo one > /tmp/mark\n');
      await waitFor('the command to run', async () => (await inContainer('detach-box', 'cat /tmp/mark 2>/dev/null')) === 'one');
      first.type('\x10\x11');
      assert.equal(await first.exited, 0, first.output);
      assert.equal(await status('detach-box'), 'running');
    } finally {
      first.proc.kill('SIGKILL');
    }
    // With other detach keys, ^P ^Q are keys like any other (the shell gets them, nothing detaches).
    const again = new CliInTerminal(agent, ['attach', '--detach-keys', 'ctrl-x', 'detach-box'], 26, 90);
    try {
      await again.until(/cli-pid=\d+/);
      again.type('\x10\x11');
      // Typed until the shell's answer shows: the session may not be attached yet when the first keys come.
      await waitFor('the shell to answer', async () => {
        again.type('echo "back $(cat /tmp/mark) $(stty size)"\n');
        return /back one 26 90/.test(again.output);
      }, { timeoutMs: 20_000 });
      again.type('exit 2\n');
      assert.equal(await again.exited, 2, again.output);
    } finally {
      again.proc.kill('SIGKILL');
    }
    assert.equal(await status('detach-box'), 'exited');
    // Who typed into it is an audit trail: each attach with stdin or a terminal, and its end, is an event.
    const events = (await agent.api('GET', '/v1/events?container=detach-box')).body as { kind: string }[];
    assert.deepEqual(events.map((e) => e.kind).filter((k) => /attached|detached/.test(k)),
      ['container.attached', 'container.detached', 'container.attached', 'container.detached']);
  });

  test('run -i without a terminal: a pipe as stdin, its end the container\'s EOF, binary output byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-run-i-'));
    try {
      const copy = join(dir, 'busybox');
      // Through sh, so the CLI's stdin and stdout are files, as in `berth run -i … < in > out`.
      const code = await new Promise<number | null>((resolve) => spawn('sh', ['-c', `"$0" --import tsx agent/main.ts --host "$1" run -i --rm --rootfs "$2" -- cat < "$3" > "$4"`,
        process.execPath, agent.socket, rootfs, join(rootfs, 'bin/busybox'), copy], { cwd: ROOT, stdio: 'ignore' }).once('exit', resolve));
      assert.equal(code, 0);
      assert.ok(readFileSync(copy).equals(readFileSync(join(rootfs, 'bin/busybox'))), 'what came out differs from what went in');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const counted = await agent.cli(['run', '-i', '--rm', '--rootfs', rootfs, '--', 'sh', '-c', 'read first; echo "first=$first"; wc -l'], { input: 'a\nb\nc\n' });
    assert.deepEqual([counted.code, counted.stdout.split(/\s+/).filter(Boolean)], [0, ['first=a', '2']]);
  });

  test('create -it, then start -ai; -it with a pipe as stdin is refused before anything is created', async () => {
    const created = await agent.cli(['create', '-it', '--name', 'later-box', '--rootfs', rootfs, '--', 'sh']);
    assert.equal(created.code, 0, created.stderr);
    const cli = new CliInTerminal(agent, ['start', '-ai', 'later-box'], 24, 80);
    try {
      await cli.until('/ # ');
      cli.type('tty; exit 9\n');
      assert.equal(await cli.exited, 9, cli.output);
      assert.match(cli.output, /\/dev\/pts\/0/);
    } finally {
      cli.proc.kill('SIGKILL');
    }
    const piped = await agent.cli(['run', '-it', '--name', 'never-box', '--rootfs', rootfs, '--', 'sh'], { input: 'echo x\n' });
    assert.equal(piped.code, 125);
    assert.match(piped.stderr, /the input device is not a TTY/);
    assert.equal(await status('never-box'), undefined);
  });

  test('websocket: stdin asked of a container without -i, a resize without a terminal, a bad first message: errors naming them', async () => {
    assert.equal((await agent.cli(['run', '-d', '-i', '--name', 'plain-box', '--rootfs', rootfs, '--', 'cat'])).code, 0);
    assert.equal((await agent.cli(['run', '-d', '--name', 'deaf-box', '--rootfs', rootfs, '--', 'sleep', '1000'])).code, 0);
    const errorOf = async (name: string, first: string, then?: string) => {
      const ws = await new AgentClient(parseHost(agent.socket)).websocket(`/v1/containers/${name}/attach`);
      let error: { code: string; message: string } | undefined;
      ws.on('message', (data, isBinary) => {
        const message = isBinary ? undefined : JSON.parse(String(data));
        if (message?.error) error = message.error;
        else if (message?.attached && then) ws.send(then);
      });
      ws.send(first);
      await new Promise((resolve) => ws.once('close', resolve));
      return error;
    };
    assert.match((await errorOf('deaf-box', '{"stdin":true}'))!.message, /created without -i \(openStdin\): its stdin is \/dev\/null/);
    assert.match((await errorOf('plain-box', '{"stdin":true}', '{"resize":{"rows":5,"cols":5}}'))!.message, /^resize: this container has no terminal/);
    assert.match((await errorOf('plain-box', '{"stdin":"yes"}'))!.message, /^first message: .*stdin/);
    assert.equal(await status('plain-box'), 'running', 'a failed attach changes nothing for the container');
  });

  test('attach to a container without stdin shows its output until it exits; stdin survives an agent crash', async () => {
    const quiet = await agent.cli(['run', '-d', '--name', 'quiet-box', '--rootfs', rootfs, '--', 'sh', '-c', 'while [ ! -e /tmp/go ]; do sleep 0.05; done; echo late; exit 4']);
    assert.equal(quiet.code, 0, quiet.stderr);
    // The attach follows the container's log from where it is: once the agent holds the log open,
    // what the container writes next reaches the attached CLI.
    const log = join(agent.stateDir, 'containers', quiet.stdout.trim(), LOG_FILE);
    const agentHoldsLog = () => readdirSync(`/proc/${agent.proc!.pid}/fd`).some((fd) => {
      try { return readlinkSync(`/proc/${agent.proc!.pid}/fd/${fd}`) === log; } catch { return false; } // closed meanwhile
    });
    assert.equal(agentHoldsLog(), false, 'nothing follows the log before the attach');
    const watching = agent.cli(['attach', 'quiet-box']);
    await waitFor('the attach to follow the log', agentHoldsLog);
    // Output from now on: what the container writes once it is attached.
    await agent.cli(['exec', 'quiet-box', 'touch', '/tmp/go']);
    const r = await watching;
    assert.deepEqual([r.code, r.stdout], [4, 'late\n']);
    assert.match((await agent.cli(['attach', 'quiet-box'])).stderr, /it is exited; start it first/);
    // The monitor holds the container's stdin: the agent's crash loses nothing of it.
    assert.equal((await agent.cli(['run', '-d', '-i', '--name', 'held-box', '--rootfs', rootfs, '--', 'sh', '-c', 'read x; echo "got $x"; exit 3'])).code, 0);
    await agent.restart();
    const fed = await agent.cli(['attach', 'held-box'], { input: 'hello\n' });
    assert.deepEqual([fed.code, fed.stdout], [3, 'got hello\n']);
  });
});
