// The agent's configuration: one table of settings with their defaults, each settable from a
// config file (--config FILE, JSON or YAML), then BERTH_* environment variables, then flags
// (later sources win). A bad value names where it came from and what is wrong with it.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BerthError } from './errors.js';
import { readConfigFile } from './config-file.js';
import * as v from './config-values.js';
import type { ListenAddress, LogLevel } from './config-values.js';
import type { MetricsLabelSelection } from './metrics/index.js';
import { DEFAULT_CPU_BUDGET } from './sampler/budget.js';

export type { ListenAddress, LogLevel } from './config-values.js';
export { LOG_LEVELS } from './config-values.js';

export interface AgentConfig {
  stateDir: string;
  socket: string;
  listen: ListenAddress | null;   // null: no TCP listener
  rulesDir: string;               // "" = no policy rules
  cgroupParent: string;
  logLevel: LogLevel;
  sampleIntervalMs: number;
  sampleFullEvery: number;        // ticks between full reads of a container (sampler/cadence.ts)
  sampleBudget: number | null;    // share of one core the sampler may take before it reads busy containers' figures less often (sampler/budget.ts); null: no limit
  metricsLabels: MetricsLabelSelection; // container labels on /metrics series
  token: string;                  // "" = mutating calls refused on TCP
  shimPath: string;
  configFile: string;             // "" = none
}

type Settable = Exclude<keyof AgentConfig, 'configFile'>;

interface Setting<K extends Settable> {
  key: K;
  flag: string;
  help: string;
  parse: (value: unknown, where: string, base: string) => AgentConfig[K];
}

export interface ConfigContext {
  cwd: string;
  packageRoot: string;
  exists?: (path: string) => boolean;
}

const setting = <K extends Settable>(s: Setting<K>) => s;

export const SETTINGS = [
  setting({ key: 'stateDir', flag: 'state-dir', help: 'where containers, logs, the audit log and the event journal are kept', parse: v.path }),
  setting({ key: 'socket', flag: 'socket', help: 'unix socket of the full API (mode 0660)', parse: v.path }),
  setting({ key: 'listen', flag: 'listen', help: 'TCP address for /metrics, /healthz, the dashboard and read-only calls; "none" to disable', parse: v.listenAddress }),
  setting({ key: 'rulesDir', flag: 'rules', help: 'directory of policy files (rules/*.yaml); "none" for no policy', parse: v.optionalPath }),
  setting({ key: 'cgroupParent', flag: 'cgroup-parent', help: 'cgroup under which every container cgroup is made', parse: v.cgroupParent }),
  setting({ key: 'logLevel', flag: 'log-level', help: `one of ${v.LOG_LEVELS.join(', ')}`, parse: v.logLevel }),
  setting({ key: 'sampleIntervalMs', flag: 'sample-interval', help: 'how often containers are sampled, e.g. 1s, 500ms', parse: v.durationMs }),
  setting({ key: 'sampleFullEvery', flag: 'sample-full-every', help: 'every how many samples all figures of a container are read; in between, figures that cannot move while it is idle are read only when it ran', parse: v.positiveInt }),
  setting({ key: 'sampleBudget', flag: 'sample-budget', help: 'CPU the sampler may take, in % of one core; above it, busy containers\' figures other than CPU usage are read every 2-6 samples instead of every one; "none" for no limit', parse: v.coreShare }),
  setting({ key: 'metricsLabels', flag: 'metrics-labels', help: 'container labels that /metrics series carry as container_label_<key>, like cAdvisor: all, none or keys separated by commas', parse: v.labelSelection }),
  setting({ key: 'token', flag: 'token', help: 'bearer token that allows mutating calls on the TCP listener', parse: v.token }),
  setting({ key: 'shimPath', flag: 'shim-path', help: 'path of the berth-shim helper', parse: v.path }),
] as const;

export function defaultConfig(ctx: ConfigContext): AgentConfig {
  const exists = ctx.exists ?? existsSync;
  return {
    stateDir: '/var/lib/berth',
    socket: '/run/berth/berth.sock',
    listen: { host: '127.0.0.1', port: 9465 },
    rulesDir: exists('/etc/berth/rules') ? '/etc/berth/rules' : '',
    cgroupParent: 'berth',
    logLevel: 'info',
    sampleIntervalMs: 1000,
    sampleFullEvery: 10,
    sampleBudget: DEFAULT_CPU_BUDGET,
    metricsLabels: 'all',
    token: '',
    shimPath: join(ctx.packageRoot, 'dist/bin/berth-shim'),
    configFile: '',
  };
}

export function envName(s: { flag: string }): string {
  return `BERTH_${s.flag.toUpperCase().replace(/-/g, '_')}`;
}

/** Builds the config from `berth agent` flags and the environment: defaults → file → env → flags. */
export function loadConfig(argv: string[], env: NodeJS.ProcessEnv, ctx: ConfigContext): AgentConfig {
  const flags = parseAgentFlags(argv);
  const config = defaultConfig(ctx);
  const file = flags.get('config') ?? env.BERTH_CONFIG;
  if (file) {
    config.configFile = v.path(file, flags.has('config') ? '--config' : 'BERTH_CONFIG', ctx.cwd);
    applyFile(config, config.configFile);
  }
  for (const s of SETTINGS) {
    const fromEnv = env[envName(s)];
    if (fromEnv !== undefined) assign(config, s, fromEnv, envName(s), ctx.cwd);
  }
  for (const s of SETTINGS) {
    const fromFlag = flags.get(s.flag);
    if (fromFlag !== undefined) assign(config, s, fromFlag, `--${s.flag}`, ctx.cwd);
  }
  return config;
}

function assign<K extends Settable>(config: AgentConfig, s: Setting<K>, raw: unknown, where: string, base: string): void {
  config[s.key] = s.parse(raw, where, base);
}

/** A file key: the flag name (sample-interval) or its camelCase (sampleInterval). */
export const fileKey = (s: { flag: string }): string => s.flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function applyFile(config: AgentConfig, file: string): void {
  const known = new Map<string, Setting<Settable>>();
  for (const s of SETTINGS as readonly Setting<Settable>[]) { known.set(s.key, s); known.set(s.flag, s); known.set(fileKey(s), s); }
  const seen = new Set<string>();
  for (const entry of readConfigFile(file)) {
    const s = known.get(entry.key);
    if (!s) throw v.invalid(entry.where, `unknown setting; known: ${SETTINGS.map(fileKey).join(', ')}`);
    if (seen.has(s.key)) throw v.invalid(entry.where, 'set twice in the same file');
    seen.add(s.key);
    assign(config, s, entry.value, entry.where, dirname(file));
  }
}

/** `--flag value` and `--flag=value`; every setting takes a value. */
function parseAgentFlags(argv: string[]): Map<string, string> {
  const names = new Set<string>([...SETTINGS.map((s) => s.flag), 'config']);
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/s.exec(arg);
    if (!m) throw new BerthError('INVALID_CONFIG', `berth agent: unexpected argument "${arg}"; settings are given as --name value`, { key: arg });
    const name = m[1]!;
    if (!names.has(name)) throw new BerthError('INVALID_CONFIG', `berth agent: unknown flag --${name}; see \`berth agent --help\``, { key: `--${name}` });
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new BerthError('INVALID_CONFIG', `--${name}: needs a value`, { key: `--${name}` });
    out.set(name, value);
  }
  return out;
}

export function agentHelp(ctx: ConfigContext): string {
  const d = defaultConfig(ctx);
  const shown: Record<Settable, string> = {
    stateDir: d.stateDir, socket: d.socket, listen: '127.0.0.1:9465', rulesDir: '/etc/berth/rules if present, else none',
    cgroupParent: d.cgroupParent, logLevel: d.logLevel, sampleIntervalMs: '1s', sampleFullEvery: '10', sampleBudget: `${DEFAULT_CPU_BUDGET * 100}%`, metricsLabels: 'all', token: 'none', shimPath: d.shimPath,
  };
  const rows = SETTINGS.map((s) => `  --${s.flag.padEnd(16)} ${s.help}\n  ${''.padEnd(18)} (default ${shown[s.key]}; env ${envName(s)})`);
  return [
    'Usage: berth agent [flags]',
    '',
    'Runs the berth daemon. Settings come from defaults, then --config FILE (JSON or YAML, keys like',
    'sampleInterval or sample-interval), then BERTH_* environment variables, then flags.',
    '',
    '  --config FILE      config file (env BERTH_CONFIG)',
    ...rows,
    '',
  ].join('\n');
}
