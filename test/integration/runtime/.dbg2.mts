import { startHarness } from './harness.js';
const h = await startHarness();
const rt = h.runtime;
try {
  const c = await rt.create({ rootfs: h.rootfs, cmd: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo $i > /tmp/count; done'] });
  await rt.start(c.id);
  const count = async () => { const p = await rt.exec(c.id, { cmd: ['cat', '/tmp/count'] }); let out = ''; p.stdout.on('data', (d) => { out += d; }); let err=''; p.stderr.on('data', (d) => { err += d; }); const e = await p.exited; return `${out.trim()} ${JSON.stringify(e)} ${err}`; };
  for (let i = 0; i < 3; i++) console.log('count', await count());
  await rt.pause(c.id); console.log('paused');
  await rt.resume(c.id); console.log('resumed');
  for (let i = 0; i < 3; i++) console.log('count', await count());
  await rt.pause(c.id); console.log('paused');
  await rt.resume(c.id); console.log('resumed');
  for (let i = 0; i < 3; i++) console.log('count', await count());
  const stat = (await import('node:fs')).readFileSync(`/proc/${c.pid}/status`, 'utf8'); console.log(stat.split('\n').filter(l=>/State/.test(l)));
  console.log((await import('node:fs')).readFileSync(`/sys/fs/cgroup/freezer${c.cgroup}/freezer.state`, 'utf8'));
} finally { await h.cleanup(); }
