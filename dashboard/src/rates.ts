// Turns counters (bytes read, bytes received, …) into per-second rates between consecutive
// samples. A counter that went down (the container restarted) yields no point rather than a
// negative spike.
export interface Point { x: number; y: number }

export function ratePoints<S extends { t: number }>(samples: Iterable<S>, counter: (s: S) => number): Point[] {
  const out: Point[] = [];
  let prev: S | undefined;
  for (const s of samples) {
    if (prev && s.t > prev.t) {
      const delta = counter(s) - counter(prev);
      if (delta >= 0) out.push({ x: s.t, y: (delta * 1000) / (s.t - prev.t) });
    }
    prev = s;
  }
  return out;
}

export function valuePoints<S>(samples: Iterable<S>, time: (s: S) => number, value: (s: S) => number): Point[] {
  const out: Point[] = [];
  for (const s of samples) out.push({ x: time(s), y: value(s) });
  return out;
}

/** The newest per-second rate of a counter, or 0 with fewer than two samples. */
export function latestRate<S extends { t: number }>(last: S | undefined, before: S | undefined, counter: (s: S) => number): number {
  if (!last || !before || last.t <= before.t) return 0;
  const delta = counter(last) - counter(before);
  return delta < 0 ? 0 : (delta * 1000) / (last.t - before.t);
}
