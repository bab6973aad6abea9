// v2 freezer: cgroup.freeze requests, cgroup.events "frozen 1" confirms (a core file, no controller).
import { join } from 'node:path';
import { BerthError } from '../../errors.js';
import { readCgroupFile, writeCgroupFile } from '../fsio.js';
import { parseFlatKeyed } from '../parse.js';
import { pollUntil } from '../poll.js';

export async function setFrozenV2(dir: string, frozen: boolean, timeoutMs: number): Promise<void> {
  const freezeFile = join(dir, 'cgroup.freeze');
  const eventsFile = join(dir, 'cgroup.events');
  const want = frozen ? 1 : 0;
  await writeCgroupFile(freezeFile, String(want));
  const isSettled = async (): Promise<boolean> => parseFlatKeyed(await readCgroupFile(eventsFile)).frozen === want;
  if (await pollUntil(isSettled, timeoutMs)) return;
  if (frozen) await writeCgroupFile(freezeFile, '0'); // leave it running rather than half-frozen
  throw new BerthError('CGROUP_FAILED', `write ${freezeFile}: ${eventsFile} still says frozen ${1 - want} ${timeoutMs} ms after writing ${want}`, { path: freezeFile });
}
