// Capability masks and the seccomp program of a container's processes (init and exec alike).
import { capabilityMask, normalizeCapabilityName } from './capabilities.js';
import { compileSeccomp } from './seccomp/index.js';
import type { OciConfig } from './oci-types.js';
import type { ResolvedSpec } from './types.js';

export interface CapabilitySets { bounding: bigint; effective: bigint; permitted: bigint }

/** Same signature as seccomp/index.ts compileSeccomp; the runtime may pass a caching compiler's. */
export type SeccompCompile = (profile: string, capabilities: string[]) => Uint8Array | undefined;

/**
 * berth's own spec: root holds the set in all three; any other user only in bounding. Docker/runc
 * hand a non-root user the same sets, but execve clears permitted/effective for a non-root user
 * without file capabilities anyway (inheritable and ambient are empty), so berth says so upfront.
 * A bundle: its own three sets, with the user's add/drop (relative to the bundle's) applied to each.
 */
export function capabilitySets(spec: ResolvedSpec, oci: OciConfig | undefined): CapabilitySets {
  const set = capabilityMask(spec.capabilities);
  if (!oci) {
    const held = spec.user.uid === 0 ? set : 0n;
    return { bounding: set, effective: held, permitted: held };
  }
  const caps = oci.process?.capabilities ?? {};
  const mask = (names: string[] | undefined) => capabilityMask((names ?? []).map(normalizeCapabilityName));
  const bundle = { bounding: mask(caps.bounding), effective: mask(caps.effective), permitted: mask(caps.permitted) };
  const union = bundle.bounding | bundle.effective | bundle.permitted;
  const added = set & ~union;
  const dropped = union & ~set;
  const adjust = (m: bigint) => (m & ~dropped) | added;
  return { bounding: adjust(bundle.bounding), effective: adjust(bundle.effective), permitted: adjust(bundle.permitted) };
}

/** undefined = unconfined. A bundle's own profile is compiled from its linux.seccomp object. */
export function seccompProgram(spec: ResolvedSpec, oci: OciConfig | undefined, compile: SeccompCompile = compileSeccomp): Uint8Array | undefined {
  if (spec.seccomp === 'unconfined') return undefined;
  if (spec.seccomp.startsWith('bundle:')) {
    const profile = oci?.linux?.seccomp;
    if (!profile) throw new Error(`seccomp ${spec.seccomp}: the bundle's config has no linux.seccomp`);
    return compile(JSON.stringify(profile), [...spec.capabilities]);
  }
  return compile(spec.seccomp, [...spec.capabilities]);
}
