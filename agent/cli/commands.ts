// Every CLI verb except `agent` (main.ts starts the daemon). Parts that add a command import it
// here and add it to the list: one line each.
import type { Command } from './command.js';
import { run } from './run.js';
import { create } from './create.js';
import { start } from './start.js';
import { ps } from './ps.js';
import { inspect } from './inspect.js';
import { logs } from './logs.js';
import { restart, stop } from './stop.js';
import { kill } from './kill.js';
import { rm } from './rm.js';
import { wait } from './wait.js';
import { exec } from './exec.js';
import { attach } from './attach.js';
import { pause } from './pause.js';
import { unpause } from './unpause.js';
import { update } from './update.js';
import { top } from './top.js';
import { rename } from './rename.js';
import { version } from './version.js';
import { info } from './info.js';
import { stats } from './stats.js';
import { policy } from './policy.js';
import { events } from './events.js';
import { container } from './container.js';

export const COMMANDS: Command[] = [
  run, create, start, ps, inspect, logs, stop, restart, kill, rm, wait, exec, attach, pause, unpause, update, rename, top, container, version, info, stats, policy, events,
];
