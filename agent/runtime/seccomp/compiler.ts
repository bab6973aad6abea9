// compileSeccomp with a cache: the launch path asks for the same (profile, capabilities) pair on
// every create. The cache lives in a SeccompCompiler instance the caller owns, never in the module.
import { release } from 'node:os';
import { compileSeccompProfile, parseKernelRelease } from './compile.js';
import { defaultProfile } from './default-profile.js';
import { normalizeCapability, parseSeccompProfile } from './parse.js';
import { readProfileFile, resolveProfileSource } from './source.js';
import type { SeccompProfile } from './types.js';

export interface SeccompCompilerOptions {
  /** Kernel release for `includes.minKernel` (default: the running kernel). */
  kernelRelease?: string;
  /** Programs kept; the oldest is dropped beyond this (default 64, 0 disables caching). */
  maxEntries?: number;
}

export class SeccompCompiler {
  private readonly cache = new Map<string, Uint8Array>();
  private readonly kernel: [number, number];
  private readonly maxEntries: number;

  constructor(options: SeccompCompilerOptions = {}) {
    this.kernel = parseKernelRelease(options.kernelRelease ?? release());
    this.maxEntries = options.maxEntries ?? 64;
  }

  /**
   * undefined for "unconfined"; a fresh copy of the program otherwise (callers may keep or change it).
   * `label` names profile JSON text in error messages, e.g. "bundle /b/config.json linux.seccomp".
   */
  compile(profile: string, capabilities: readonly string[], label = 'inline'): Uint8Array | undefined {
    const source = resolveProfileSource(profile);
    if (source.kind === 'unconfined') return undefined;
    // A file is re-read on every call (a few µs) so an edited profile takes effect at the next create.
    const text = source.kind === 'file' ? readProfileFile(source.path) : source.kind === 'inline' ? source.text : '';
    const caps = [...new Set(capabilities.map(normalizeCapability))].sort().join(',');
    const key = `${source.kind}\u0000${source.kind === 'file' ? source.path : ''}\u0000${caps}\u0000${text}`;
    const cached = this.cache.get(key);
    if (cached) return cached.slice();
    const parsed: SeccompProfile = source.kind === 'default' ? defaultProfile()
      : parseSeccompProfile(text, source.kind === 'file' ? source.path : label);
    const { program } = compileSeccompProfile(parsed, capabilities, { kernel: this.kernel });
    this.remember(key, program);
    return program.slice();
  }

  private remember(key: string, program: Uint8Array): void {
    if (this.maxEntries <= 0) return;
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(key, program);
  }
}
