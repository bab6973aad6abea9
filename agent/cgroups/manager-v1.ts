// cgroup v1 (and hybrid): one directory per hierarchy (comounted controllers share one), plus on
// hybrid hosts a directory in the controller-less unified mount, which offers cgroup.kill and
// pressure figures v1 lacks.
import { join } from 'node:path';
import { BerthError } from '../errors.js';
import type { CgroupLayout, V1Controller } from './detect.js';
import { fileExists, listDirs, makeDir, readCgroupFile, writeCgroupFile, type CgroupWrite } from './fsio.js';
import { undoMade, writeAllOrNothing } from './undo.js';
import { killAndWait } from './kill-loop.js';
import type { ManagerOptions } from './options.js';
import { SettingsEpochs } from './settings-epoch.js';
import { StatFileSet, ReadBuffer } from './stat-file.js';
import { CompositeStatsReader, fileSource, hotFilesOf, type HotFiles, type StatFills, type StatSource } from './stats.js';
import { pidsInTree, removeTree } from './tree.js';
import type { CgroupManager, CgroupResources, CgroupStats, CgroupStatsReader } from './types.js';
import { validateCgroupName, validateResources } from './validate.js';
import { applyBlkioV1, BLKIO_V1 } from './v1/blkio.js';
import { applyCpuV1, CPU_V1 } from './v1/cpu.js';
import { CPUACCT_V1 } from './v1/cpuacct.js';
import { applyCpusetV1, inheritCpusetV1 } from './v1/cpuset.js';
import { applyDevicesV1 } from './v1/devices.js';
import { setFreezerStateV1 } from './v1/freezer.js';
import { applyMemoryV1, MEMORY_V1 } from './v1/memory.js';
import { applyPids, PIDS } from './v1/pids.js';
import { cgroupKill } from './v2/kill.js';
import { PRESSURE } from './v2/pressure.js';

/** Which controller each resource needs: asking for a limit whose controller is not mounted fails. */
const NEEDED: [V1Controller, (r: CgroupResources) => boolean][] = [
  ['memory', (r) => r.memoryBytes !== undefined || r.memorySwapBytes !== undefined || r.memoryReservationBytes !== undefined
    || r.memorySwappiness !== undefined || r.oomKillDisable !== undefined],
  ['cpu', (r) => r.cpuQuotaUs !== undefined || r.cpuPeriodUs !== undefined || r.cpuBurstUs !== undefined || r.cpuShares !== undefined],
  ['cpuset', (r) => r.cpusetCpus !== undefined || r.cpusetMems !== undefined],
  ['pids', (r) => r.pidsLimit !== undefined],
  ['blkio', (r) => r.blkioWeight !== undefined || (r.ioThrottles?.length ?? 0) > 0],
  ['devices', (r) => r.devices !== undefined],
];

const STAT_SOURCES: [V1Controller, StatFills][] = [
  ['cpuacct', CPUACCT_V1],
  ['cpu', CPU_V1],
  ['memory', MEMORY_V1],
  ['pids', PIDS],
  ['blkio', BLKIO_V1],
];

export class V1CgroupManager implements CgroupManager {
  readonly version: 'v1' | 'hybrid';
  readonly parent: string;
  /** Distinct hierarchy mount points (cpu and cpuacct comounted → one). */
  private readonly hierarchies: string[];
  private readonly settingsEpochs = new SettingsEpochs();
  /** Shared by every stats reader (see ReadBuffer). */
  private readonly readBuffer = new ReadBuffer();
  private parentReady?: Promise<void>;

  constructor(private readonly layout: CgroupLayout, private readonly opts: ManagerOptions) {
    this.version = layout.version === 'hybrid' ? 'hybrid' : 'v1';
    this.parent = opts.parent;
    this.hierarchies = [...new Set(layout.v1.values())];
  }

  path(name: string): string {
    return `/${this.parent}/${name}`;
  }

  private dir(controller: V1Controller, name: string): string | undefined {
    const mount = this.layout.v1.get(controller);
    return mount === undefined ? undefined : join(mount, this.parent, name);
  }

  private unifiedDir(name: string): string | undefined {
    return this.layout.unified === undefined ? undefined : join(this.layout.unified, this.parent, name);
  }

  /** Every hierarchy root berth uses: one per v1 hierarchy, plus the unified mount on hybrid hosts. */
  private roots(): string[] {
    return this.layout.unified === undefined ? this.hierarchies : [...this.hierarchies, this.layout.unified];
  }

  /** Every directory of the cgroup, one under each root. */
  private allDirs(name: string): string[] {
    return this.roots().map((root) => join(root, this.parent, name));
  }

  procsFiles(name: string): string[] {
    validateCgroupName(name);
    return this.allDirs(name).map((d) => join(d, 'cgroup.procs'));
  }

  async create(name: string, resources: CgroupResources): Promise<void> {
    validateCgroupName(name);
    validateResources(resources);
    this.requireControllers(resources);
    await this.ensureParent();
    const made: string[] = [];
    try {
      for (const dir of this.allDirs(name)) {
        if (!(await makeDir(dir))) throw new BerthError('CGROUP_FAILED', `mkdir ${dir}: EEXIST (a cgroup named ${name} already exists)`, { path: dir });
        made.push(dir);
        await this.opts.fixtureHooks?.populate(dir);
      }
      const cpuset = this.dir('cpuset', name);
      if (cpuset !== undefined) await inheritCpusetV1(cpuset, join(this.layout.v1.get('cpuset')!, this.parent));
      await this.apply(name, resources);
    } catch (err) {
      throw await undoMade(made, err, this.opts.fixtureHooks);
    }
  }

  async update(name: string, resources: CgroupResources): Promise<void> {
    validateCgroupName(name);
    validateResources(resources);
    this.requireControllers(resources);
    await this.requireExists(name, 'update');
    try {
      await writeAllOrNothing((write) => this.apply(name, resources, write));
    } finally {
      this.settingsEpochs.bump(name);
    }
  }

  private requireControllers(r: CgroupResources): void {
    for (const [controller, wants] of NEEDED) {
      if (wants(r) && !this.layout.v1.has(controller)) {
        throw new BerthError('CGROUP_FAILED', `the ${controller} cgroup controller is not mounted on this host, but the resources ask for it`, { controller });
      }
    }
  }

  private async requireExists(name: string, op: string): Promise<void> {
    const probe = this.allDirs(name)[0];
    if (probe === undefined || !(await fileExists(probe))) {
      throw new BerthError('CGROUP_FAILED', `${op} ${this.path(name)}: the cgroup does not exist (${probe ?? 'no hierarchy'})`, { path: probe });
    }
  }

  /** Order matters: cpuset before anything can attach, memory before cpu like runc. */
  private async apply(name: string, r: CgroupResources, write: CgroupWrite = writeCgroupFile): Promise<void> {
    const at = (c: V1Controller): string => this.dir(c, name)!;
    if (this.layout.v1.has('cpuset')) await applyCpusetV1(at('cpuset'), r, write);
    if (this.layout.v1.has('memory')) await applyMemoryV1(at('memory'), r, await fileExists(join(at('memory'), 'memory.memsw.limit_in_bytes')), write);
    if (this.layout.v1.has('cpu')) await applyCpuV1(at('cpu'), r, write);
    if (this.layout.v1.has('pids')) await applyPids(at('pids'), r, write);
    if (this.layout.v1.has('blkio')) await applyBlkioV1(at('blkio'), r, write);
    if (this.layout.v1.has('devices')) await applyDevicesV1(at('devices'), r);
  }

  /** The parent once per manager: created in every hierarchy, cpuset filled, memory hierarchical. */
  private ensureParent(): Promise<void> {
    this.parentReady ??= this.setUpParent().catch((err: unknown) => {
      this.parentReady = undefined;
      throw err;
    });
    return this.parentReady;
  }

  private async setUpParent(): Promise<void> {
    const made: string[] = [];
    try {
      for (const root of this.roots()) {
        const dir = join(root, this.parent);
        if (await makeDir(dir)) { made.push(dir); await this.opts.fixtureHooks?.populate(dir); }
      }
      const cpusetRoot = this.layout.v1.get('cpuset');
      if (cpusetRoot !== undefined) await inheritCpusetV1(join(cpusetRoot, this.parent), cpusetRoot);
      const memoryRoot = this.layout.v1.get('memory');
      if (memoryRoot !== undefined) await enableUseHierarchy(join(memoryRoot, this.parent));
    } catch (err) {
      throw await undoMade(made, err, this.opts.fixtureHooks);
    }
  }

  async freeze(name: string): Promise<void> {
    validateCgroupName(name);
    await setFreezerStateV1(this.freezerDir(name), 'FROZEN', this.opts.timeouts.freezeMs);
  }

  async thaw(name: string): Promise<void> {
    validateCgroupName(name);
    await setFreezerStateV1(this.freezerDir(name), 'THAWED', this.opts.timeouts.freezeMs);
  }

  private freezerDir(name: string): string {
    const dir = this.dir('freezer', name);
    if (dir === undefined) throw new BerthError('CGROUP_FAILED', `freeze ${this.path(name)}: the freezer controller is not mounted on this host`);
    return dir;
  }

  async killAll(name: string): Promise<void> {
    validateCgroupName(name);
    const freezer = this.dir('freezer', name);
    const unified = this.unifiedDir(name);
    const hasFreezer = freezer !== undefined && (await fileExists(freezer));
    const freezeMs = Math.min(1000, this.opts.timeouts.freezeMs);
    await killAndWait(this.path(name), {
      pids: () => this.pids(name),
      // A task stuck in D state can stall FREEZING; killing without the freeze is still right.
      freeze: async () => { if (hasFreezer) await setFreezerStateV1(freezer, 'FROZEN', freezeMs).catch(() => undefined); },
      thaw: async () => { if (hasFreezer) await setFreezerStateV1(freezer, 'THAWED', freezeMs); },
      cgroupKill: async () => unified !== undefined && (await fileExists(unified)) && cgroupKill(unified),
    }, this.opts.timeouts.killMs);
  }

  async pids(name: string): Promise<number[]> {
    validateCgroupName(name);
    const all = new Set<number>();
    for (const dir of this.allDirs(name)) for (const pid of await pidsInTree(dir)) all.add(pid);
    return [...all].sort((a, b) => a - b);
  }

  async destroy(name: string): Promise<void> {
    this.settingsEpochs.forget(name);
    validateCgroupName(name);
    const failures: BerthError[] = [];
    for (const dir of this.allDirs(name)) {
      await removeTree(dir, this.opts.timeouts.rmdirMs, this.opts.fixtureHooks).catch((err: BerthError) => failures.push(err));
    }
    if (failures.length > 0) {
      throw new BerthError('CGROUP_FAILED', `destroy ${this.path(name)}: ${failures.map((e) => e.message).join('; ')}`, undefined, { cause: failures[0] });
    }
  }

  async list(): Promise<string[]> {
    const names = new Set<string>();
    for (const root of this.roots()) for (const name of await listDirs(join(root, this.parent))) names.add(name);
    return [...names].sort();
  }

  statsReader(name: string): CgroupStatsReader {
    validateCgroupName(name);
    const epoch = this.settingsEpochs.of(name);
    // One file set per directory: comounted cpu,cpuacct share theirs.
    const sets = new Map<string, StatFileSet>();
    const files = (dir: string): StatFileSet => {
      let set = sets.get(dir);
      if (set === undefined) { set = new StatFileSet(dir, this.readBuffer, epoch); sets.set(dir, set); }
      return set;
    };
    const sources: StatSource[] = [];
    const hot: HotFiles = { cpu: [], active: [] };
    for (const [controller, fill] of STAT_SOURCES) {
      const dir = this.dir(controller, name);
      if (dir === undefined) continue;
      const set = files(dir);
      sources.push(fileSource(set, fill));
      const { cpu, active } = hotFilesOf(set, fill);
      hot.cpu.push(...cpu);
      hot.active.push(...active);
    }
    const unified = this.unifiedDir(name);
    if (unified !== undefined) sources.push(fileSource(files(unified), PRESSURE));
    return new CompositeStatsReader(hot, sources, epoch);
  }
}

/** use_hierarchy is fixed at 1 on recent kernels; older ones default to 0 and accept 1 while empty. */
async function enableUseHierarchy(dir: string): Promise<void> {
  const file = join(dir, 'memory.use_hierarchy');
  if (!(await fileExists(file))) return;
  if ((await readCgroupFile(file)).trim() !== '1') await writeCgroupFile(file, '1');
}


