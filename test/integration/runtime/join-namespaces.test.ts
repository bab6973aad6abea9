// --network/--pid container:NAME against a real agent: a sidecar reaches a service on its loopback,
// sees its processes and takes its hostname; a joiner of a stopped or unknown container is refused
// and leaves nothing behind; with restart policies, both come back when the agent starts, the joiner
// after what it joins.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { startAgent, type TestAgent } from '../../helpers/agent.js';
import { busyboxRootfs } from '../../helpers/rootfs.js';
import { waitFor } from '../../helpers/wait.js';

let agent: TestAgent;
let rootfs: string;
let svcId = '';

before(async () => {
  rootfs = busyboxRootfs();
  agent = await startAgent();
  // The service listens on 127.0.0.1:8080 in its own network namespace and logs what it receives.
  const r = await agent.cli(['run', '-d', '--name', 'svc', '--rootfs', rootfs, '--', 'sh', '-c', 'nc -l -p 8080 & exec sleep 1000']);
  assert.equal(r.code, 0, r.stderr);
  svcId = r.stdout.trim();
});
after(async () => {
  await agent?.cli(['rm', '-f', 'svc', 'sidecar', 'svc-always', 'side-always']);
  await agent?.stop();
});

const svc = async () => (await agent.api('GET', '/v1/containers/svc')).body;

test('a sidecar in the service\'s network and PID namespaces: its loopback, its processes, its hostname', async () => {
  // Until the service's nc listens, the sidecar's connection is refused: it tries again (in the container).
  const script = 'until echo hello-from-sidecar | nc -w 1 127.0.0.1 8080; do sleep 0.1; done; '
    + 'hostname; tr "\\0" " " < /proc/1/cmdline; echo; readlink /proc/self/ns/net; exec sleep 1000';
  const r = await agent.cli(['run', '-d', '--name', 'sidecar', '--network', 'container:svc', '--pid', `container:${svcId.slice(0, 12)}`,
    '--rootfs', rootfs, '--', 'sh', '-c', script]);
  assert.equal(r.code, 0, r.stderr);
  await waitFor('the service to log what the sidecar sent', async () => (await agent.cli(['logs', 'svc'])).stdout.includes('hello-from-sidecar'));
  const service = await svc();
  const lines = await waitFor('the sidecar to report', async () => {
    const out = (await agent.cli(['logs', 'sidecar'])).stdout.split('\n').filter(Boolean);
    return out.length >= 3 ? out : undefined;
  });
  assert.equal(lines[0], service.spec.hostname, 'the service\'s hostname');
  assert.equal(lines[1].trim(), 'sleep 1000', 'PID 1 is the service\'s init');
  assert.equal(lines[2], readlinkSync(`/proc/${service.pid}/ns/net`), 'one network namespace');
  const sidecar = (await agent.api('GET', '/v1/containers/sidecar')).body;
  assert.deepEqual([sidecar.spec.namespaces.net, sidecar.spec.namespaces.pid], [`container:${svcId}`, `container:${svcId}`], 'stored by id');
  assert.equal((await agent.cli(['inspect', '-f', '{{.HostConfig.NetworkMode}} {{.HostConfig.PidMode}}', 'sidecar'])).stdout.trim(),
    `container:${svcId} container:${svcId}`);
  // An exec joins the same namespaces as the sidecar's init.
  const exec = await agent.cli(['exec', 'sidecar', 'readlink', '/proc/self/ns/pid']);
  assert.equal(exec.stdout.trim(), readlinkSync(`/proc/${service.pid}/ns/pid`));
});

test('joining a container that does not run or does not exist is refused, and nothing is left', async () => {
  const unknown = await agent.cli(['run', '-d', '--name', 'orphan', '--network', 'container:nope', '--rootfs', rootfs, '--', 'true']);
  assert.equal(unknown.code, 125);
  assert.match(unknown.stderr, /--network: no such container: nope/);
  await agent.cli(['stop', '-t', '0', 'svc']);
  await agent.cli(['stop', '-t', '0', 'sidecar']);
  const stopped = await agent.cli(['start', 'sidecar']);
  assert.notEqual(stopped.code, 0);
  assert.match(stopped.stderr, /cannot join the net namespace of container svc: it is exited, not running/);
  const fresh = await agent.cli(['run', '-d', '--name', 'late', '--pid', 'container:svc', '--rootfs', rootfs, '--', 'true']);
  assert.equal(fresh.code, 125);
  assert.match(fresh.stderr, /namespaces\.pid: cannot join the pid namespace of container svc: it is exited, not running/);
  const names = (await agent.cli(['ps', '-a', '--format', '{{.Names}}'])).stdout.split('\n').filter(Boolean).sort();
  assert.deepEqual(names, ['sidecar', 'svc'], 'no container left of the refused runs');
  // Once the service runs again, the sidecar starts in its new namespaces.
  assert.equal((await agent.cli(['start', 'svc'])).code, 0);
  assert.equal((await agent.cli(['start', 'sidecar'])).code, 0);
  const sidecarPid = (await agent.api('GET', '/v1/containers/sidecar')).body.pid;
  assert.equal(readlinkSync(`/proc/${sidecarPid}/ns/net`), readlinkSync(`/proc/${(await svc()).pid}/ns/net`));
});

test('restart policy always: when the agent starts again, the sidecar comes back after its service, in its namespaces', async () => {
  const run = (args: string[]) => agent.cli(['run', '-d', '--restart', 'always', '--rootfs', rootfs, ...args, '--', 'sleep', '1000']);
  assert.equal((await run(['--name', 'svc-always'])).code, 0);
  assert.equal((await run(['--name', 'side-always', '--network', 'container:svc-always'])).code, 0);
  // Stopped by a user, which `always` ignores when the agent starts (docker's rule): as after a host reboot, both start then.
  assert.equal((await agent.cli(['stop', '-t', '0', 'side-always', 'svc-always'])).code, 0);
  await agent.crash();
  await agent.start();
  const [service, sidecar] = await waitFor('both to run again', async () => {
    const both = await Promise.all(['svc-always', 'side-always'].map(async (name) => (await agent.api('GET', `/v1/containers/${name}`)).body));
    return both.every((c) => c.status === 'running') ? both : undefined;
  });
  assert.equal(readlinkSync(`/proc/${sidecar.pid}/ns/net`), readlinkSync(`/proc/${service.pid}/ns/net`));
  const failures = (await agent.api('GET', `/v1/events?kind=container.restarting&container=${sidecar.id}`)).body
    .filter((e: { data: { error?: string } }) => e.data.error);
  assert.deepEqual(failures, [], 'the sidecar\'s start did not fail first');
});
