// berth's default seccomp profile for x86_64: the behaviour of Docker's default profile
// (moby/profiles seccomp/default.json; REFERENCE.md §1.6) written as berth's own table.
// An allowlist with ERRNO(EPERM) as the default; what is not named here is refused, notably
// keyrings (add_key, keyctl, request_key), io_uring_*, userfaultfd, pivot_root, kexec_*, swapon/off,
// move_pages, uselib, ustat, sysfs, _sysctl and the obsolete module/nfs calls.
// Names newer than the generated syscall table (marked "6.x") are kept so that regenerating the
// table from newer headers enables them; until then they are skipped and get ENOSYS via the stub.
import type { SeccompArg, SeccompProfile, SeccompRule } from './types.js';

const ALLOWED_BY_TOPIC: Record<string, string[]> = {
  files: [
    'open', 'openat', 'openat2', 'creat', 'close', 'close_range', 'read', 'readv', 'pread64', 'preadv', 'preadv2',
    'write', 'writev', 'pwrite64', 'pwritev', 'pwritev2', 'lseek', 'dup', 'dup2', 'dup3', 'fcntl', 'flock',
    'fsync', 'fdatasync', 'syncfs', 'sync', 'sync_file_range', 'fallocate', 'fadvise64', 'readahead',
    'truncate', 'ftruncate', 'pipe', 'pipe2', 'sendfile', 'splice', 'tee', 'vmsplice', 'copy_file_range', 'ioctl',
    'cachestat', // 6.5
  ],
  metadata: [
    'stat', 'fstat', 'lstat', 'newfstatat', 'statx', 'statfs', 'fstatfs', 'access', 'faccessat', 'faccessat2',
    'chmod', 'fchmod', 'fchmodat', 'chown', 'fchown', 'lchown', 'fchownat', 'umask',
    'utime', 'utimes', 'utimensat', 'futimesat',
    'getxattr', 'lgetxattr', 'fgetxattr', 'setxattr', 'lsetxattr', 'fsetxattr', 'listxattr', 'llistxattr',
    'flistxattr', 'removexattr', 'lremovexattr', 'fremovexattr', 'name_to_handle_at',
    'fchmodat2', 'getxattrat', 'setxattrat', 'listxattrat', 'removexattrat', // 6.6, 6.13
    'statmount', 'listmount', // 6.8
  ],
  directories: [
    'getcwd', 'chdir', 'fchdir', 'mkdir', 'mkdirat', 'rmdir', 'rename', 'renameat', 'renameat2',
    'link', 'linkat', 'unlink', 'unlinkat', 'symlink', 'symlinkat', 'readlink', 'readlinkat',
    'mknod', 'mknodat', 'getdents', 'getdents64',
  ],
  polling: [
    'select', 'pselect6', 'poll', 'ppoll', 'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old',
    'epoll_wait', 'epoll_wait_old', 'epoll_pwait', 'epoll_pwait2', 'eventfd', 'eventfd2',
    'inotify_init', 'inotify_init1', 'inotify_add_watch', 'inotify_rm_watch', 'fanotify_mark',
    'signalfd', 'signalfd4', 'timerfd_create', 'timerfd_settime', 'timerfd_gettime',
  ],
  asyncIo: [
    'io_setup', 'io_destroy', 'io_submit', 'io_cancel', 'io_getevents', 'io_pgetevents', 'ioprio_get', 'ioprio_set',
  ],
  memory: [
    'brk', 'mmap', 'munmap', 'mremap', 'mprotect', 'madvise', 'mincore', 'msync', 'remap_file_pages',
    'mlock', 'mlock2', 'mlockall', 'munlock', 'munlockall', 'membarrier', 'memfd_create', 'memfd_secret',
    'pkey_alloc', 'pkey_free', 'pkey_mprotect', 'process_mrelease',
    'map_shadow_stack', 'mseal', // 6.6, 6.10
  ],
  processes: [
    'execve', 'execveat', 'fork', 'vfork', 'exit', 'exit_group', 'wait4', 'waitid', 'kill', 'tkill', 'tgkill',
    'getpid', 'getppid', 'gettid', 'getpgid', 'setpgid', 'getpgrp', 'getsid', 'setsid',
    'getpriority', 'setpriority', 'prctl', 'arch_prctl', 'modify_ldt', 'set_tid_address', 'get_thread_area',
    'set_thread_area', 'set_robust_list', 'get_robust_list', 'rseq', 'restart_syscall', 'seccomp',
    'capget', 'capset', 'getrlimit', 'setrlimit', 'prlimit64', 'getrusage', 'times', 'getcpu',
    'pidfd_open', 'pidfd_send_signal', 'landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self',
    'uretprobe', // 6.11
  ],
  identity: [
    'getuid', 'geteuid', 'getgid', 'getegid', 'getresuid', 'getresgid', 'getgroups',
    'setuid', 'setgid', 'setreuid', 'setregid', 'setresuid', 'setresgid', 'setfsuid', 'setfsgid', 'setgroups',
  ],
  scheduling: [
    'sched_yield', 'sched_getaffinity', 'sched_setaffinity', 'sched_getattr', 'sched_setattr', 'sched_getparam',
    'sched_setparam', 'sched_getscheduler', 'sched_setscheduler', 'sched_get_priority_max', 'sched_get_priority_min',
    'sched_rr_get_interval',
  ],
  futexes: [
    'futex', 'futex_waitv',
    'futex_wake', 'futex_wait', 'futex_requeue', // 6.7
  ],
  signals: [
    'rt_sigaction', 'rt_sigprocmask', 'rt_sigreturn', 'rt_sigpending', 'rt_sigsuspend', 'rt_sigtimedwait',
    'rt_sigqueueinfo', 'rt_tgsigqueueinfo', 'sigaltstack', 'pause',
  ],
  time: [
    'time', 'gettimeofday', 'clock_gettime', 'clock_getres', 'clock_nanosleep', 'nanosleep', 'clock_adjtime',
    'adjtimex', 'alarm', 'getitimer', 'setitimer', 'timer_create', 'timer_delete', 'timer_settime',
    'timer_gettime', 'timer_getoverrun',
  ],
  system: ['uname', 'sysinfo', 'getrandom'],
  sockets: [
    'socketpair', 'bind', 'listen', 'accept', 'accept4', 'connect', 'shutdown', 'getsockname', 'getpeername',
    'getsockopt', 'setsockopt', 'sendto', 'sendmsg', 'sendmmsg', 'recvfrom', 'recvmsg', 'recvmmsg',
  ],
  ipc: [
    'shmget', 'shmat', 'shmdt', 'shmctl', 'semget', 'semop', 'semtimedop', 'semctl',
    'msgget', 'msgsnd', 'msgrcv', 'msgctl',
    'mq_open', 'mq_unlink', 'mq_timedsend', 'mq_timedreceive', 'mq_notify', 'mq_getsetattr',
  ],
};

/** Syscalls a container may use only while it holds a capability (Docker's `includes.caps`). */
const ALLOWED_WITH_CAPABILITY: Record<string, string[]> = {
  CAP_SYS_ADMIN: [
    'bpf', 'clone', 'clone3', 'fanotify_init', 'fsconfig', 'fsmount', 'fsopen', 'fspick', 'lookup_dcookie',
    'mount', 'mount_setattr', 'move_mount', 'open_tree', 'perf_event_open', 'quotactl', 'quotactl_fd',
    'setdomainname', 'sethostname', 'setns', 'syslog', 'umount2', 'unshare',
    'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules', // 6.8
  ],
  CAP_SYS_MODULE: ['init_module', 'finit_module', 'delete_module'],
  CAP_SYS_BOOT: ['reboot'],
  CAP_SYS_PACCT: ['acct'],
  CAP_SYS_TIME: ['settimeofday', 'clock_settime'],
  CAP_SYS_RAWIO: ['iopl', 'ioperm'],
  CAP_SYS_PTRACE: ['kcmp', 'pidfd_getfd', 'process_madvise', 'process_vm_readv', 'process_vm_writev', 'ptrace'],
  CAP_SYS_NICE: ['get_mempolicy', 'set_mempolicy', 'mbind', 'set_mempolicy_home_node'],
  CAP_SYSLOG: ['syslog'],
  CAP_BPF: ['bpf'],
  CAP_PERFMON: ['perf_event_open'],
  CAP_DAC_READ_SEARCH: ['open_by_handle_at'],
  CAP_SYS_CHROOT: ['chroot'],
  CAP_SYS_TTY_CONFIG: ['vhangup'],
};

/** clone without CAP_SYS_ADMIN: no CLONE_NEWNS|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWCGROUP (0x7e020000). */
const CLONE_NAMESPACE_FLAGS = 0x7e020000n;

/** personality(2): Linux (0), with UNAME26 / ADDR_NO_RANDOMIZE (0x8, 0x20000, 0x20008), or the 0xffffffff query. */
const PERSONALITY_VALUES = [0x0n, 0x8n, 0x20000n, 0x20008n, 0xffffffffn];

/** socket(2) domains refused: AF_ALG (38, kernel crypto API) and AF_VSOCK (40, host/guest sockets). */
const AF_ALG = 38n;
const AF_VSOCK = 40n;

function noFilter(): { caps: string[]; arches: string[] } {
  return { caps: [], arches: [] };
}

function allow(names: string[], extra: Partial<SeccompRule> = {}): SeccompRule {
  return { names: [...names], action: 'SCMP_ACT_ALLOW', args: [], includes: noFilter(), excludes: noFilter(), ...extra };
}

function arg0(op: SeccompArg['op'], value: bigint, valueTwo = 0n): SeccompArg {
  return { index: 0, op, value, valueTwo };
}

function buildRules(): SeccompRule[] {
  return [
    allow(Object.values(ALLOWED_BY_TOPIC).flat()),
    // Unprivileged ptrace became safe to allow with 4.8's seccomp-bypass fix.
    allow(['ptrace', 'process_vm_readv', 'process_vm_writev'], { includes: { ...noFilter(), minKernel: [4, 8] } }),
    ...PERSONALITY_VALUES.map((v) => allow(['personality'], { args: [arg0('SCMP_CMP_EQ', v)] })),
    // Three rules rather than one: two comparisons of the same argument would be ORed (see select.ts).
    allow(['socket'], { args: [arg0('SCMP_CMP_LT', AF_ALG)] }),
    allow(['socket'], { args: [arg0('SCMP_CMP_EQ', AF_ALG + 1n)] }),
    allow(['socket'], { args: [arg0('SCMP_CMP_GT', AF_VSOCK)] }),
    ...Object.entries(ALLOWED_WITH_CAPABILITY).map(([cap, names]) => allow(names, { includes: { ...noFilter(), caps: [cap] } })),
    allow(['clone'], {
      args: [arg0('SCMP_CMP_MASKED_EQ', CLONE_NAMESPACE_FLAGS, 0n)],
      excludes: { ...noFilter(), caps: ['CAP_SYS_ADMIN'] },
    }),
    // clone3 passes its flags in memory, out of a filter's reach: ENOSYS makes libc fall back to clone.
    { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, args: [], includes: noFilter(),
      excludes: { ...noFilter(), caps: ['CAP_SYS_ADMIN'] } },
  ];
}

/** A fresh copy each call, so no caller can change the default for the others. */
export function defaultProfile(): SeccompProfile {
  return {
    source: 'default',
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    architectures: ['SCMP_ARCH_X86_64'],
    flags: [],
    syscalls: buildRules(),
  };
}
