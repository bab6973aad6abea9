// V8's allocation-site pretenuring, turned off for the process that samples. V8 allocates straight
// into the old generation the objects of an allocation site whose objects mostly survived their
// first scavenges. A sample lives about one tick (until the next one replaces it as the latest),
// longer than the young generation lasts while a tick over 1000 containers allocates, so V8 tenured
// the sampler's sites early on, and from then on every sample of every container died in the old
// generation: a major GC every 10-40 s (--trace-gc), marking the whole heap on helper threads.
// Measured with test/bench/sampler.ts at 1000 busy containers, 3 runs each way, alternating: the
// sampler's CPU 50.6-55.9 → 44.3-49.6 ms per 1000 samples, its ratio to the floor 1.76-1.86 →
// 1.56-1.58, the old generation growing ~1 MB instead of ~5 MB between two scavenges. Samples that
// are kept (a history's bases, the latest) are still promoted by the scavenger.
import { setFlagsFromString } from 'node:v8';

let off = false;

/** Idempotent. Set at run time, the flag takes effect for what follows (--trace-gc shows the old generation's growth drop as above). */
export function turnOffPretenuring(): void {
  if (off) return;
  off = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
}
