// inspect -f templates written for docker read a container in docker inspect's shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerView } from '../../../agent/cli/docker-view.js';
import { objectFormat } from '../../../agent/cli/output-format.js';
import { resolveSpec, validateSpec, type ContainerInfo } from '../../../agent/runtime/index.js';

const ENV = { hostCpus: 2 };

async function info(over: Partial<ContainerInfo>, spec: Record<string, unknown> = {}): Promise<ContainerInfo> {
  const resolved = await resolveSpec(validateSpec({ rootfs: '/', cmd: ['sleep', '100'], name: 'web', ...spec }, ENV), ENV);
  return { id: 'a'.repeat(64), name: 'web', status: 'running', pid: 42, shimPid: 41, createdAt: '2026-12-05T10:00:00.000Z',
    startedAt: '2026-12-05T10:00:01.000Z', spec: resolved, cgroup: '/berth/x', stateDir: '/s', restartCount: 0, ...over };
}

const render = (template: string, c: ContainerInfo) => objectFormat('berth inspect', template)!({ ...c, ...dockerView(c) });

test('docker\'s State: a paused container is running and paused; an exited one waiting for its policy is restarting', async () => {
  const paused = await info({ status: 'paused' });
  assert.equal(render('{{.State.Status}} {{.State.Running}} {{.State.Paused}} {{.State.Pid}} {{.Name}} {{.Path}} {{.Args}}', paused),
    'paused true true 42 /web sleep [100]');
  const waiting = await info({ status: 'exited', pid: 0, restartAt: '2026-12-05T10:01:00.000Z', restartCount: 2,
    exit: { exitCode: 137, signal: 'SIGKILL', oomKilled: true, finishedAt: '2026-12-05T10:00:59.000Z' } });
  assert.equal(render('{{.State.Status}} {{.State.Running}} {{.State.Restarting}} {{.State.ExitCode}} {{.State.OOMKilled}} {{.State.FinishedAt}} {{.RestartCount}}', waiting),
    'restarting false true 137 true 2026-12-05T10:00:59.000Z 2');
  const created = await info({ status: 'created', pid: 0, startedAt: undefined });
  assert.equal(render('{{.State.Status}} {{.State.StartedAt}} {{.State.FinishedAt}}', created), 'created 0001-01-01T00:00:00Z 0001-01-01T00:00:00Z');
});

test('docker\'s Config and HostConfig from the resolved spec; berth\'s own fields stay beside them', async () => {
  const c = await info({}, {
    env: ['A=1'], labels: { tier: 'web' }, resources: { memoryBytes: 64 * 2 ** 20, cpus: 0.5 }, namespaces: { net: 'host' },
    capabilities: { add: ['NET_ADMIN'], drop: ['MKNOD'] }, restartPolicy: { name: 'on-failure', maxRetries: 3 },
    mounts: [{ type: 'bind', source: '/tmp', target: '/data', readOnly: true }],
  });
  assert.equal(render('{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.NetworkMode}} {{.HostConfig.CapAdd}} {{.HostConfig.CapDrop}}', c),
    '67108864 500000000 host [NET_ADMIN] [MKNOD]');
  assert.equal(render('{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}} {{index .Config.Labels "tier"}} {{.Config.User}}', c),
    'on-failure:3 web root');
  assert.match(render('{{json .Config.Env}}', c), /"A=1"/);
  assert.equal(render('{{range .Mounts}}{{.Type}} {{.Source}} {{.Destination}} {{.RW}}{{end}}', c), 'bind /tmp /data false');
  assert.equal(render('{{.status}} {{.spec.hostname}} {{.State.Status}}', c), `running ${c.spec.hostname} running`);
  assert.equal(render('{{.Config.Healthcheck}}', c), '<no value>', 'no healthcheck: none in Config, as docker');
});

test('docker\'s Config.Healthcheck: a --health-cmd is CMD-SHELL, an API command CMD; durations in ns', async () => {
  const shell = await info({}, { healthcheck: { cmd: ['/bin/sh', '-c', 'test -e /ok'], intervalSeconds: 2, startPeriodSeconds: 30, startIntervalSeconds: 0.5 } });
  assert.equal(render('{{json .Config.Healthcheck}}', shell),
    '{"Test":["CMD-SHELL","test -e /ok"],"Interval":2000000000,"Timeout":30000000000,"StartPeriod":30000000000,"StartInterval":500000000,"Retries":3}');
  const exec = await info({}, { healthcheck: { cmd: ['/bin/check', '--quick'] } });
  assert.equal(render('{{json .Config.Healthcheck.Test}}', exec), '["CMD","/bin/check","--quick"]');
});
