// The labels a row adds after the container's (interface, device, namespace …), escaped and
// encoded once per distinct value instead of on every scrape: they rarely change between ticks.
import type { IoDevice } from '../cgroups/types.js';
import type { NamespaceSample } from '../sampler/types.js';
import { encodeText, type EncodedText } from './text-buffer.js';

export function escapeLabelValue(v: string): string {
  let needs = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 92 || c === 34 || c === 10) { needs = true; break; }
  }
  return needs ? v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n') : v;
}

/**
 * Encoded labels by key, made from `of` (the thing labelled) on a miss. Bounded: keys are few
 * (eth0, vda …), but a host could churn them.
 */
class LabelCache<T> {
  private readonly labels = new Map<string, EncodedText>();

  constructor(private readonly text: (of: T) => string) {}

  get(key: string, of: T): EncodedText {
    let label = this.labels.get(key);
    if (!label) {
      if (this.labels.size >= 4096) this.labels.clear();
      label = encodeText(this.text(of));
      this.labels.set(key, label);
    }
    return label;
  }
}

const interfaceLabels = new LabelCache<string>((name) => `interface="${escapeLabelValue(name)}"`);
export const interfaceLabel = (name: string): EncodedText => interfaceLabels.get(name, name);

// Devices are keyed by name alone: a name stands for one device's numbers (a /proc/partitions name, or the numbers themselves).
const deviceLabels = new LabelCache<IoDevice>((d) => `device="${escapeLabelValue(d.name)}"`);
export const deviceLabel = (d: IoDevice): EncodedText => deviceLabels.get(d.name, d);

/** cAdvisor's container_blkio_device_usage_total labels: the device by name and by number, and the operation. */
export type BlkioOperation = 'Read' | 'Write';
const blkioLabels = (operation: BlkioOperation) => new LabelCache<IoDevice>((d) =>
  `device="${escapeLabelValue(d.name)}",major="${d.major}",minor="${d.minor}",operation="${operation}"`);
const BLKIO_LABELS: Record<BlkioOperation, LabelCache<IoDevice>> = { Read: blkioLabels('Read'), Write: blkioLabels('Write') };
export const blkioLabel = (d: IoDevice, operation: BlkioOperation): EncodedText => BLKIO_LABELS[operation].get(d.name, d);

export const CPU_TOTAL = encodeText('cpu="total"');

export const HEALTH_LABELS: readonly [string, EncodedText][] = ['starting', 'healthy', 'unhealthy'].map((s) => [s, encodeText(`status="${s}"`)]);

/** The labels of a namespace series; the sampler keeps a namespace's object while it stays the same. */
const namespaceLabels = new WeakMap<NamespaceSample, EncodedText>();
export function namespaceLabel(ns: NamespaceSample): EncodedText {
  let label = namespaceLabels.get(ns);
  if (!label) {
    label = encodeText(`type="${ns.type}",inode="${ns.inode}",host_shared="${ns.hostShared}"`);
    namespaceLabels.set(ns, label);
  }
  return label;
}
