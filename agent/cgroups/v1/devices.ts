// v1 devices controller: deny everything, then apply the rules in order (Docker's and runc's way).
import { join } from 'node:path';
import { deviceRuleString } from '../convert.js';
import { writeCgroupFile } from '../fsio.js';
import type { CgroupResources } from '../types.js';

export async function applyDevicesV1(dir: string, r: CgroupResources): Promise<void> {
  if (r.devices === undefined) return;
  await writeCgroupFile(join(dir, 'devices.deny'), 'a');
  for (const rule of r.devices) {
    await writeCgroupFile(join(dir, rule.allow ? 'devices.allow' : 'devices.deny'), deviceRuleString(rule));
  }
}
