// `[N] [--ticks T]`, the arguments of the benches that feed N synthetic containers for T ticks.
export function containersAndTicks(defaults: { containers: number; ticks: number }): { containers: number; ticks: number } {
  const argv = process.argv.slice(2);
  const ticksAt = argv.indexOf('--ticks');
  const ticks = ticksAt >= 0 ? Number(argv[ticksAt + 1]) : defaults.ticks;
  const isTicksValue = (i: number): boolean => ticksAt >= 0 && i === ticksAt + 1;
  const containers = Number(argv.find((a, i) => !a.startsWith('--') && !isTicksValue(i)) ?? defaults.containers);
  for (const [name, v] of [['N', containers], ['--ticks', ticks]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new Error(`${name}: expected a positive integer, got ${v}`);
  }
  return { containers, ticks };
}
