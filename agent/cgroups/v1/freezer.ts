// v1 freezer: writing FROZEN starts freezing; the state reads FREEZING until every task stopped.
import { join } from 'node:path';
import { BerthError } from '../../errors.js';
import { readCgroupFile, writeCgroupFile } from '../fsio.js';
import { pollUntil } from '../poll.js';

type FreezerState = 'FROZEN' | 'THAWED';

export async function setFreezerStateV1(dir: string, want: FreezerState, timeoutMs: number): Promise<void> {
  const file = join(dir, 'freezer.state');
  let attempts = 0;
  const settled = await pollUntil(async () => {
    // Re-request now and then, as runc does: a task forking while being frozen can stall FREEZING.
    if (attempts++ % 50 === 0) await writeCgroupFile(file, want);
    return (await readCgroupFile(file)).trim() === want;
  }, timeoutMs);
  if (settled) return;
  const state = (await readCgroupFile(file)).trim();
  if (want === 'FROZEN') await writeCgroupFile(file, 'THAWED'); // leave it running rather than half-frozen
  throw new BerthError('CGROUP_FAILED', `write ${file}: still ${state} ${timeoutMs} ms after requesting ${want}`, { path: file });
}
