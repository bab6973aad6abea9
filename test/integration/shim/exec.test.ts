// An exec (an `X` request to berth-shim spawner) joins a running container's namespaces and
// cgroup, sends the output to the exec socket, and the spawner reports its exit code.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { busyboxAvailable, busyboxRootfs } from '../../helpers/rootfs.js';
import { waitFor } from '../../helpers/wait.js';
import type { ExecPlan } from '../../../agent/runtime/plan-types.js';
import pino from 'pino';
import { ExecStdioServer } from '../../../agent/runtime/exec-stdio.js';
import { encodeExecPlan } from '../../../agent/runtime/plan-format.js';
import { buildShim, DOCKER_CAPS, dockerLikePlan, isRoot, nsLink, pidAlive, readPid, Scratch, shimCreate, shimExec,
  OWN_CGROUP_SH, Spawner, startContainer, stdoutText, TestCgroup } from './harness.js';

const skip = !isRoot() || !busyboxAvailable() ? 'needs root and busybox-static' : false;
let scratch: Scratch;
let cgroup: TestCgroup;
let initPid = 0;

before(async () => {
  if (skip) return;
  buildShim();
  scratch = new Scratch();
  cgroup = new TestCgroup();
  const p = dockerLikePlan(busyboxRootfs(), scratch.stateDir('target'), ['sh', '-c', 'echo up; exec sleep 1000'], [cgroup.procsFile]);
  const { lines } = await shimCreate(p);
  assert.equal(lines.at(-1), 'created', lines.join(' | '));
  startContainer(p.startFifo);
  await waitFor('the container to run', () => stdoutText(p) === 'up\n');
  initPid = readPid(p.stateDir, 'init.pid')!;
});
after(async () => {
  for (const s of Spawner.started) s.kill('SIGKILL');
  await scratch?.cleanup();
  await cgroup?.remove();
});

function execPlan(args: string[], over: Partial<ExecPlan> = {}): ExecPlan {
  return {
    version: 1, initPid, namespaces: ['ipc', 'uts', 'net', 'pid', 'mnt'], cgroupProcs: [cgroup.procsFile], rootfs: '', stdin: false,
    uid: 0, gid: 0, additionalGids: [], capabilities: { bounding: DOCKER_CAPS, effective: DOCKER_CAPS, permitted: DOCKER_CAPS },
    noNewPrivileges: true, rlimits: [], cwd: '/', args, env: ['PATH=/bin:/usr/bin', 'X=exec'], ...over,
  };
}

test('exec joins the namespaces and the cgroup of the container', { skip }, async () => {
  const script = 'echo host=$(hostname); echo net=$(readlink /proc/self/ns/net); echo mnt=$(readlink /proc/self/ns/mnt); ' +
    `echo init=$(cat /proc/1/comm); echo cg=${OWN_CGROUP_SH}; echo x=$X; ` +
    'echo nnp=$(grep NoNewPrivs /proc/self/status | cut -f2); echo capeff=$(grep CapEff /proc/self/status | cut -f2); echo err >&2';
  const r = await shimExec(execPlan(['sh', '-c', script]));
  assert.equal(r.code, 0, r.stderr + r.status.join('|'));
  const v = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  assert.equal(v.host, 'berth-shim-test');
  assert.equal(v.net, nsLink(initPid, 'net'));
  assert.equal(v.mnt, nsLink(initPid, 'mnt'));
  assert.equal(v.init, 'sleep');
  assert.equal(v.cg, cgroup.path);
  assert.equal(v.x, 'exec');
  assert.equal(v.nnp, '1');
  assert.equal(v.capeff, '00000000a80425fb');
  assert.equal(r.stderr, 'err\n');
  assert.deepEqual(r.status, []);
});

test('exec mirrors exit codes and reports not found / not executable as 127 / 126', { skip }, async () => {
  assert.equal((await shimExec(execPlan(['sh', '-c', 'exit 5']))).code, 5);
  assert.equal((await shimExec(execPlan(['sh', '-c', 'kill -9 $$']))).code, 137);
  const missing = await shimExec(execPlan(['nope']));
  assert.equal(missing.code, 127);
  assert.deepEqual(missing.status, ['error exec 2 execvp nope (PATH=/bin:/usr/bin): No such file or directory']);
  const dir = await shimExec(execPlan(['/tmp']));
  assert.equal(dir.code, 126);
  assert.match(dir.status[0], /^error exec 13 execvp \/tmp: Permission denied$/);
});

test('the command writes to pipes (as under docker: /dev/stdout opens), with every signal at its default, and all of a large output arrives', { skip }, async () => {
  const r = await shimExec(execPlan(['sh', '-c', 'echo via-dev > /dev/stdout; echo err-dev > /dev/stderr; ' +
    'grep -E "^Sig(Ign|Blk)" /proc/self/status; ls -l /proc/self/fd/1 | grep -o "pipe:"; head -c 1048576 /dev/zero | tr "\\0" x']));
  assert.equal(r.code, 0, r.stderr + r.status.join('|'));
  const [dev, blk, ign, pipe, big] = r.stdout.split('\n'); // /proc/self/status lists SigBlk before SigIgn
  assert.equal(dev, 'via-dev');
  assert.equal(ign, 'SigIgn:\t0000000000000000'); // the spawner ignores SIGPIPE: the command must not inherit that
  assert.equal(blk, 'SigBlk:\t0000000000000000'); // nor its blocked SIGCHLD
  assert.equal(pipe, 'pipe:');
  assert.equal(big, 'x'.repeat(1048576));
  assert.equal(r.stderr, 'err-dev\n');
  assert.ok(r.pid > 0);
});

test('an exec shim killed itself is reported by the spawner as `signal 9`; one that cannot connect its output never starts', { skip }, async () => {
  const s = new Spawner();
  const dir = scratch.stateDir('no-socket');
  s.channel.write(Spawner.frame(encodeExecPlan(execPlan(['true']), { id: 'lost', stdioSocket: `${dir}/none.sock` }), 'X'));
  assert.deepEqual(await s.execEnd('lost'), [`error stdio 2 connect ${dir}/none.sock: No such file or directory`, 'exit 125']);
  // A socket nobody reads from: the exec shim connects (the backlog takes it) and runs `sleep`.
  const server = new ExecStdioServer(`${dir}/exec.sock`, pino({ level: 'silent' }));
  await server.expect('slow');
  s.channel.write(Spawner.frame(encodeExecPlan(execPlan(['sleep', '100']), { id: 'slow', stdioSocket: server.path }), 'X'));
  await waitFor('the pid line', () => s.of('slow').length > 0);
  const pid = Number(/^pid (\d+)$/.exec(s.of('slow')[0]!)?.[1]);
  assert.ok(pid > 0, s.of('slow').join(' | '));
  process.kill(pid, 'SIGKILL');
  assert.deepEqual(await s.execEnd('slow'), [`pid ${pid}`, 'signal 9']);
  assert.equal(pidAlive(pid), false, 'the spawner reaped it');
  s.channel.end();
  await s.exited;
  await server.close();
});

test('with stdin: the agent\'s bytes reach the command and its end is EOF, also while a large output flows back', { skip }, async () => {
  const big = 'y'.repeat(1 << 20) + '\n';
  const echoed = await shimExec(execPlan(['cat'], { stdin: true }), big); // output flows while input does: no deadlock
  assert.equal(echoed.code, 0, echoed.stderr + echoed.status.join('|'));
  assert.equal(echoed.stdout, big);
  const read = await shimExec(execPlan(['sh', '-c', 'read line; echo "got $line"; cat > /dev/null; echo eof'], { stdin: true }), 'hello\nrest\n');
  assert.equal(read.stdout, 'got hello\neof\n');
  // A command that never reads: its output and exit are not held up by the input waiting for it.
  const deaf = await shimExec(execPlan(['echo', 'hi'], { stdin: true }), big);
  assert.deepEqual([deaf.code, deaf.stdout], [0, 'hi\n']);
  // Without stdin the command reads /dev/null.
  const none = await shimExec(execPlan(['sh', '-c', 'cat; readlink /proc/self/fd/0']));
  assert.deepEqual([none.code, none.stdout], [0, '/dev/null\n']);
});

test('exec into a pid that is gone fails with error ns', { skip }, async () => {
  const r = await shimExec(execPlan(['true'], { initPid: 0x3ffffff0, cgroupProcs: [] }));
  assert.equal(r.code, 125);
  assert.match(r.status[0], /^error ns 2 open \/proc\/1073741808\/ns\/ipc: No such file or directory$/);
});

/** Resolves once `text` has come out of `stream` (which something else also reads). */
function seen(stream: NodeJS.ReadableStream, text: string): Promise<void> {
  let got = '';
  return new Promise((resolve) => {
    const onData = (d: Buffer) => {
      got += d.toString();
      if (got.includes(text)) { stream.off('data', onData); resolve(); }
    };
    stream.on('data', onData);
  });
}

test('with a tty: a terminal of the container\'s devpts on fds 0-2 of its own session, of the size asked for, the output all on stdout', { skip }, async () => {
  const script = 'tty; stty size; echo sid=$(cut -d" " -f6 /proc/$$/stat) pid=$$ fg=$(cut -d" " -f8 /proc/$$/stat); ' +
    'for fd in 0 1 2; do [ -t $fd ] && echo "$fd is a tty"; done; echo term=$TERM; echo err >&2';
  const r = await shimExec(execPlan(['sh', '-c', script], { tty: { rows: 30, cols: 100 }, env: ['PATH=/bin', 'TERM=dumb'] }));
  assert.equal(r.code, 0, r.stdout + r.stderr + r.status.join('|'));
  assert.equal(r.stderr, '');
  const lines = r.stdout.split('\r\n'); // the terminal turns \n into \r\n, as under docker -t
  assert.match(lines[0]!, /^\/dev\/pts\/\d+$/);
  assert.equal(lines[1], '30 100');
  const ids = /^sid=(\d+) pid=(\d+) fg=(\d+)$/.exec(lines[2]!);
  assert.ok(ids && ids[1] === ids[2] && ids[3] === ids[2], `a session leader in the foreground: ${lines[2]}`);
  assert.deepEqual(lines.slice(3), ['0 is a tty', '1 is a tty', '2 is a tty', 'term=dumb', 'err', '']);
});

test('with a tty: typed input is echoed and read, ^C interrupts the foreground, all of a large output arrives', { skip }, async () => {
  const shell = await shimExec(execPlan(['sh'], { tty: { rows: 24, cols: 80 }, stdin: true }), 'echo "typed $((6*7))"\nexit 3\n');
  assert.equal(shell.code, 3, shell.stdout + shell.status.join('|'));
  assert.match(shell.stdout, /echo "typed \$\(\(6\*7\)\)"\r\n/); // the terminal's echo
  assert.match(shell.stdout, /\r\ntyped 42\r\n/);
  // ^C once the command runs (before, the terminal has no foreground group to send SIGINT to).
  const interrupted = await shimExec(execPlan(['sh', '-c', 'echo ready; exec sleep 100'], { tty: { rows: 0, cols: 0 }, stdin: true }), undefined, async (output) => {
    await seen(output.stdout, 'ready');
    output.stdin.write('\x03');
  });
  assert.equal(interrupted.code, 130, interrupted.stdout + interrupted.status.join('|'));
  const big = await shimExec(execPlan(['sh', '-c', 'head -c 1048576 /dev/zero | tr "\\0" x'], { tty: { rows: 0, cols: 0 } }));
  assert.deepEqual([big.code, big.stdout.length], [0, 1 << 20]);
});

test('with a tty: a resize reaches the command as SIGWINCH and the new size; the terminal belongs to the exec\'s user', { skip }, async () => {
  const script = 'trap \'stty size; exit 0\' WINCH; stat -c "owner=%u" $(tty); echo ready; sleep 100 & wait';
  const r = await shimExec(execPlan(['sh', '-c', script], { tty: { rows: 24, cols: 80 }, uid: 1000, gid: 1000 }), undefined, async (output) => {
    await seen(output.stdout, 'ready');
    output.resize({ rows: 50, cols: 132 });
  });
  assert.equal(r.code, 0, r.stdout + r.status.join('|'));
  assert.deepEqual(r.stdout.split('\r\n'), ['owner=1000', 'ready', '50 132', '']);
});

test('a tty in a container without /dev/ptmx: error tty and exit 125, and the command never runs', { skip }, async () => {
  assert.equal((await shimExec(execPlan(['rm', '/dev/ptmx']))).code, 0);
  try {
    const r = await shimExec(execPlan(['sh', '-c', 'echo ran'], { tty: { rows: 0, cols: 0 } }));
    assert.deepEqual([r.code, r.stdout, r.status], [125, '', ['error tty 2 open /dev/ptmx: No such file or directory']]);
  } finally {
    await shimExec(execPlan(['ln', '-s', 'pts/ptmx', '/dev/ptmx']));
  }
});

test('with a tty: the end of the tty connection hangs the terminal up, the command gets SIGHUP', { skip }, async () => {
  const r = await shimExec(execPlan(['sh', '-c', 'echo ready; exec sleep 100'], { tty: { rows: 0, cols: 0 } }), undefined, async (output) => {
    await seen(output.stdout, 'ready');
    output.hangup();
  });
  assert.equal(r.code, 129, r.stdout + r.status.join('|'));
});
