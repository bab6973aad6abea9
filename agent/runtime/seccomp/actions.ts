// Profile actions → the 32-bit values a seccomp filter returns (include/uapi/linux/seccomp.h).
import type { SeccompAction } from './types.js';

export const SECCOMP_RET = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0x00000000,
  TRAP: 0x00030000,
  ERRNO: 0x00050000,
  TRACE: 0x7ff00000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
} as const;

export const EPERM = 1;
export const ENOSYS = 38;
/** The kernel clamps a filter's errno to MAX_ERRNO; larger values would not reach userspace as errors. */
export const MAX_ERRNO = 4095;

export function errnoRet(errno: number): number {
  return (SECCOMP_RET.ERRNO | (errno & 0xffff)) >>> 0;
}

/** `data` is the errno for ERRNO and the tracer's message for TRACE; both default to EPERM like runc. */
export function actionRet(action: SeccompAction, data: number | undefined): number {
  switch (action) {
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD': return SECCOMP_RET.KILL_THREAD;
    case 'SCMP_ACT_KILL_PROCESS': return SECCOMP_RET.KILL_PROCESS;
    case 'SCMP_ACT_TRAP': return SECCOMP_RET.TRAP;
    case 'SCMP_ACT_ERRNO': return errnoRet(data ?? EPERM);
    case 'SCMP_ACT_TRACE': return (SECCOMP_RET.TRACE | ((data ?? EPERM) & 0xffff)) >>> 0;
    case 'SCMP_ACT_LOG': return SECCOMP_RET.LOG;
    case 'SCMP_ACT_ALLOW': return SECCOMP_RET.ALLOW;
  }
}

/** Actions that let a syscall run: a profile with such a default needs no ENOSYS stub (runc skips it too). */
export function isPermissive(action: SeccompAction): boolean {
  return action === 'SCMP_ACT_ALLOW' || action === 'SCMP_ACT_LOG';
}
