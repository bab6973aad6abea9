// cgroup v2 (unified): one directory per cgroup; controllers are enabled for the children in the
// parent's cgroup.subtree_control, and only those the parent is offered (cgroup.controllers).
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import { fileExists, listDirs, makeDir, readCgroupFile, writeCgroupFile, type CgroupWrite } from './fsio.js';
import { killAndWait } from './kill-loop.js';
import type { ManagerOptions } from './options.js';
import { SettingsEpochs } from './settings-epoch.js';
import { ReadBuffer, StatFileSet } from './stat-file.js';
import { CompositeStatsReader, fileSource, hotFilesOf } from './stats.js';
import { pidsInTree, removeTree } from './tree.js';
import type { CgroupManager, CgroupResources, CgroupStats, CgroupStatsReader } from './types.js';
import { undoMade, writeAllOrNothing } from './undo.js';
import { validateCgroupName, validateResources } from './validate.js';
import { applyCpuV2, CPU_V2 } from './v2/cpu.js';
import { applyCpusetV2 } from './v2/cpuset.js';
import { checkDevicesUpdateV2, prepareDevicesV2, type DevicesV2Options } from './v2/devices.js';
import { setFrozenV2 } from './v2/freezer.js';
import { applyIoV2, IO_V2 } from './v2/io.js';
import { cgroupKill } from './v2/kill.js';
import { applyMemoryV2, MEMORY_V2 } from './v2/memory.js';
import { applyPidsV2, PIDS } from './v2/pids.js';
import { PRESSURE } from './v2/pressure.js';
import { SubtreeFlush } from './v2/subtree-flush.js';

const WANTED_CONTROLLERS = ['cpuset', 'cpu', 'io', 'memory', 'pids'] as const;

const NEEDED: [string, (r: CgroupResources) => boolean][] = [
  ['memory', (r) => r.memoryBytes !== undefined || r.memorySwapBytes !== undefined || r.memoryReservationBytes !== undefined
    || r.memorySwappiness !== undefined || r.oomKillDisable !== undefined],
  ['cpu', (r) => r.cpuQuotaUs !== undefined || r.cpuPeriodUs !== undefined || r.cpuBurstUs !== undefined || r.cpuShares !== undefined],
  ['cpuset', (r) => r.cpusetCpus !== undefined || r.cpusetMems !== undefined],
  ['pids', (r) => r.pidsLimit !== undefined],
  ['io', (r) => r.blkioWeight !== undefined || (r.ioThrottles?.length ?? 0) > 0],
];

/** Every v2 figure lives in the cgroup's one directory. */
const STAT_FILLS = [CPU_V2, MEMORY_V2, PIDS, IO_V2, PRESSURE];

export class V2CgroupManager implements CgroupManager {
  readonly version = 'v2' as const;
  readonly parent: string;
  private readonly parentDir: string;
  private readonly settingsEpochs = new SettingsEpochs();
  /** Shared by every stats reader (see ReadBuffer). */
  private readonly readBuffer = new ReadBuffer();
  /** Controllers enabled for the parent's children, known once the parent is set up. */
  private enabled?: Promise<Set<string>>;
  private readonly subtreeFlush: SubtreeFlush;

  constructor(private readonly root: string, private readonly opts: ManagerOptions) {
    this.parent = opts.parent;
    this.parentDir = join(root, opts.parent);
    this.subtreeFlush = new SubtreeFlush(join(this.parentDir, 'cpu.stat'), this.readBuffer);
  }

  path(name: string): string {
    return `/${this.parent}/${name}`;
  }

  private dir(name: string): string {
    validateCgroupName(name);
    return join(this.parentDir, name);
  }

  procsFiles(name: string): string[] {
    return [join(this.dir(name), 'cgroup.procs')];
  }

  async create(name: string, resources: CgroupResources): Promise<void> {
    const dir = this.dir(name);
    validateResources(resources);
    const attachDeviceProgram = prepareDevicesV2(dir, resources, this.devicesOptions());
    this.requireControllers(resources, await this.ensureParent());
    const made: string[] = [];
    try {
      if (!(await makeDir(dir))) throw new BerthError('CGROUP_FAILED', `mkdir ${dir}: EEXIST (a cgroup named ${name} already exists)`, { path: dir });
      made.push(dir);
      await this.opts.fixtureHooks?.populate(dir);
      await this.apply(dir, resources);
      // Before the shim places init in the cgroup: the container never runs unrestricted.
      await attachDeviceProgram?.();
    } catch (err) {
      throw await undoMade(made, err, this.opts.fixtureHooks);
    }
  }

  async update(name: string, resources: CgroupResources): Promise<void> {
    const dir = this.dir(name);
    validateResources(resources);
    checkDevicesUpdateV2(dir, resources, this.devicesOptions());
    this.requireControllers(resources, await this.ensureParent());
    if (!(await fileExists(dir))) throw new BerthError('CGROUP_FAILED', `update ${this.path(name)}: the cgroup does not exist (${dir})`, { path: dir });
    try {
      await writeAllOrNothing((write) => this.apply(dir, resources, write));
    } finally {
      this.settingsEpochs.bump(name);
    }
  }

  private requireControllers(r: CgroupResources, enabled: Set<string>): void {
    for (const [controller, wants] of NEEDED) {
      if (wants(r) && !enabled.has(controller)) {
        throw new BerthError('CGROUP_FAILED',
          `the ${controller} controller is not available under ${this.parentDir} (enabled: ${[...enabled].join(' ') || 'none'}), but the resources ask for it`,
          { controller, path: this.parentDir });
      }
    }
  }

  private async apply(dir: string, r: CgroupResources, write: CgroupWrite = writeCgroupFile): Promise<void> {
    await applyCpusetV2(dir, r, write);
    await applyMemoryV2(dir, r, write);
    await applyCpuV2(dir, r, write);
    await applyPidsV2(dir, r, write);
    await applyIoV2(dir, r, write);
  }

  private devicesOptions(): DevicesV2Options {
    return { loader: this.opts.deviceProgramLoader, logger: this.opts.logger };
  }

  private ensureParent(): Promise<Set<string>> {
    this.enabled ??= this.setUpParent().catch((err: unknown) => {
      this.enabled = undefined;
      throw err;
    });
    return this.enabled;
  }

  /** mkdir the parent and enable, one at a time (so a refusal names its controller), what is offered. */
  private async setUpParent(): Promise<Set<string>> {
    const made = (await makeDir(this.parentDir)) ? [this.parentDir] : [];
    try {
      if (made.length) await this.opts.fixtureHooks?.populate(this.parentDir);
      const offered = words(await readCgroupFile(join(this.parentDir, 'cgroup.controllers')));
      const control = join(this.parentDir, 'cgroup.subtree_control');
      const enabled = words(await readCgroupFile(control));
      for (const c of WANTED_CONTROLLERS) {
        if (!offered.has(c) || enabled.has(c)) continue;
        await writeCgroupFile(control, `+${c}`);
        enabled.add(c);
      }
      return enabled;
    } catch (err) {
      throw await undoMade(made, err, this.opts.fixtureHooks);
    }
  }

  async freeze(name: string): Promise<void> {
    await setFrozenV2(this.dir(name), true, this.opts.timeouts.freezeMs);
  }

  async thaw(name: string): Promise<void> {
    await setFrozenV2(this.dir(name), false, this.opts.timeouts.freezeMs);
  }

  async killAll(name: string): Promise<void> {
    const dir = this.dir(name);
    const hasKill = await fileExists(join(dir, 'cgroup.kill'));
    const freezeMs = Math.min(1000, this.opts.timeouts.freezeMs);
    // Without cgroup.kill (Linux < 5.14): freeze, signal, thaw, like v1.
    const freezer = async (frozen: boolean): Promise<void> => {
      if (!hasKill) await setFrozenV2(dir, frozen, freezeMs).catch((err: unknown) => { if (!frozen) throw err; });
    };
    await killAndWait(this.path(name), {
      pids: () => pidsInTree(dir),
      freeze: () => freezer(true),
      thaw: () => freezer(false),
      cgroupKill: async () => hasKill && cgroupKill(dir),
    }, this.opts.timeouts.killMs);
  }

  async pids(name: string): Promise<number[]> {
    return (await pidsInTree(this.dir(name))).sort((a, b) => a - b);
  }

  async destroy(name: string): Promise<void> {
    this.settingsEpochs.forget(name);
    await removeTree(this.dir(name), this.opts.timeouts.rmdirMs, this.opts.fixtureHooks);
  }

  async list(): Promise<string[]> {
    return (await listDirs(this.parentDir)).sort();
  }

  statsReader(name: string): CgroupStatsReader {
    const epoch = this.settingsEpochs.of(name);
    const files = new StatFileSet(this.dir(name), this.readBuffer, epoch);
    return new CompositeStatsReader(hotFilesOf(files, ...STAT_FILLS), [fileSource(files, ...STAT_FILLS)], epoch);
  }

  flushStats(): void {
    this.subtreeFlush.run();
  }
}

function words(text: string): Set<string> {
  return new Set(text.split(/\s+/).filter(Boolean));
}
