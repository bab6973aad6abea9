// Pure parsers for the kernel's cgroup file formats. They run on every sample of every
// container, so they avoid regexes and intermediate arrays where a simple scan does.

/** Kernel "unlimited" spellings: the literal `max`, or v1's page-rounded 2^63 (anything above 2^62). */
const UNLIMITED_ABOVE = 2 ** 62;

/** Parses a number the kernel printed; NaN for anything else (never throws: callers decide). */
export function parseNumber(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? NaN : Number(trimmed);
}

/**
 * A single value that may be "max" (v2) or a huge sentinel (v1): returns 0 for unlimited,
 * which is the convention of CgroupStats limits.
 */
export function parseLimit(text: string): number {
  const trimmed = text.trim();
  if (trimmed === 'max' || trimmed === '-1') return 0;
  const value = Number(trimmed);
  if (!Number.isFinite(value)) return NaN;
  return value > UNLIMITED_ABOVE ? 0 : value;
}

/** Flat keyed files: `key value` per line (memory.stat, cpu.stat, memory.events, cpuacct.stat, oom_control). */
export function parseFlatKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const space = text.indexOf(' ', start);
    if (space > start && space < end) out[text.slice(start, space)] = Number(text.slice(space + 1, end));
    start = end + 1;
  }
  return out;
}

/** Nested keyed files: `<device> k=v k=v …` per line (io.stat). Keyed by the first field. */
export function parseNestedKeyed(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 2 || fields[0] === '') continue;
    const entry: Record<string, number> = {};
    for (let i = 1; i < fields.length; i++) {
      const eq = fields[i].indexOf('=');
      if (eq > 0) entry[fields[i].slice(0, eq)] = parseLimitOrNumber(fields[i].slice(eq + 1));
    }
    out[fields[0]] = entry;
  }
  return out;
}

function parseLimitOrNumber(value: string): number {
  return value === 'max' ? 0 : Number(value);
}

/** Pressure (PSI) files: `some avg10=… total=<us>` and `full … total=<us>`. */
export function parsePressure(text: string): { someTotalUs: number; fullTotalUs: number } {
  return { someTotalUs: pressureTotal(text, 'some '), fullTotalUs: pressureTotal(text, 'full ') };
}

/** `total=` of the line starting with `prefix`, 0 without one; no splitting (read for every container). */
function pressureTotal(text: string, prefix: 'some ' | 'full '): number {
  let line = text.indexOf(prefix);
  while (line > 0 && text.charCodeAt(line - 1) !== 10) line = text.indexOf(prefix, line + 1);
  if (line < 0) return 0;
  let end = text.indexOf('\n', line);
  if (end < 0) end = text.length;
  const total = text.lastIndexOf(' total=', end);
  return total < line ? 0 : Number(text.slice(total + 7, end)) || 0;
}

/** One device's Read and Write figures from a v1 blkio file. */
export interface BlkioLine { major: number; minor: number; read: number; write: number }

/** v1 blkio files: `<maj:min> <Op> <value>` lines plus a final `Total <value>`: Read and Write per device, in file order. */
export function parseBlkio(text: string): BlkioLine[] {
  const devices: BlkioLine[] = [];
  let last: BlkioLine | undefined;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    if (fields.length !== 3 || (fields[1] !== 'Read' && fields[1] !== 'Write')) continue;
    if (last === undefined || fields[0] !== `${last.major}:${last.minor}`) {
      const [major, minor] = fields[0].split(':').map(Number);
      last = devices.find((d) => d.major === major && d.minor === minor);
      if (!last) devices.push(last = { major, minor, read: 0, write: 0 });
    }
    if (fields[1] === 'Read') last.read = Number(fields[2]); else last.write = Number(fields[2]);
  }
  return devices;
}

/** Whitespace-separated integers (cpuacct.usage_percpu). */
export function parseNumberList(text: string): number[] {
  const out: number[] = [];
  for (const field of text.split(/\s+/)) if (field !== '') out.push(Number(field));
  return out;
}

/** cgroup.procs / tasks: one pid per line. */
export function parsePids(text: string): number[] {
  const out: number[] = [];
  for (const line of text.split('\n')) if (line !== '') out.push(Number(line));
  return out;
}

/** v2 cpu.max: `<quota|max> <period>`; quota 0 = no quota. */
export function parseCpuMax(text: string): { quotaUs: number; periodUs: number } {
  const [quota, period] = text.trim().split(' ');
  return { quotaUs: quota === 'max' ? 0 : Number(quota), periodUs: Number(period) };
}

/**
 * One value of a flat keyed file without building an object: the sampler's hot path needs a
 * handful of the ~40 keys of memory.stat. A key only matches at the start of a line.
 */
export function flatKeyValue(text: string, key: string): number | undefined {
  let from = 0;
  for (;;) {
    const at = text.indexOf(key, from);
    if (at < 0) return undefined;
    const end = at + key.length;
    if ((at === 0 || text.charCodeAt(at - 1) === 10) && text.charCodeAt(end) === 32) {
      let lineEnd = text.indexOf('\n', end);
      if (lineEnd < 0) lineEnd = text.length;
      return Number(text.slice(end + 1, lineEnd));
    }
    from = end;
  }
}
