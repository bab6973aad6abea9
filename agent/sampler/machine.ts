// What cAdvisor reports of the machine besides cores and memory: its identity (the labels of every
// machine_* series: boot_id, machine_id, system_uuid) and its CPU topology (physical cores,
// sockets). Read once, when the sampler first samples the host: none of it changes while the
// host runs (a CPU brought online later is counted in machine_cpu_cores, read every tick).
import { readdirSync, readFileSync } from 'node:fs';

export interface MachineInfo {
  bootId: string;      // /proc/sys/kernel/random/boot_id: new at every boot
  machineId: string;   // /etc/machine-id
  systemUuid: string;  // /sys/class/dmi/id/product_uuid: the firmware's; "" where there is no DMI (many VMs) or no right to read it
  physicalCores: number;
  sockets: number;
}

export interface MachineRoots { procRoot: string; sysRoot: string; etcRoot: string }

export function readMachineInfo({ procRoot, sysRoot, etcRoot }: MachineRoots): MachineInfo {
  const topology = cpuTopology(`${sysRoot}/devices/system/cpu`);
  return {
    bootId: firstLine(`${procRoot}/sys/kernel/random/boot_id`),
    machineId: firstLine(`${etcRoot}/machine-id`),
    systemUuid: firstLine(`${sysRoot}/class/dmi/id/product_uuid`),
    ...topology,
  };
}

/** Distinct (package, core) pairs and packages over the CPUs that have a topology directory. */
export function cpuTopology(cpuDir: string): { physicalCores: number; sockets: number } {
  const cores = new Set<string>();
  const packages = new Set<string>();
  let names: string[];
  try {
    names = readdirSync(cpuDir).filter((n) => /^cpu\d+$/.test(n));
  } catch {
    return { physicalCores: 0, sockets: 0 };
  }
  for (const name of names) {
    const pkg = firstLine(`${cpuDir}/${name}/topology/physical_package_id`);
    const core = firstLine(`${cpuDir}/${name}/topology/core_id`);
    if (pkg === '' || core === '') continue; // offline: no topology
    packages.add(pkg);
    cores.add(`${pkg}:${core}`);
  }
  return { physicalCores: cores.size, sockets: packages.size };
}

/** The file's first line, trimmed; "" when it cannot be read. */
function firstLine(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n', 1)[0]!.trim();
  } catch {
    return '';
  }
}
