/* seccomp-probe: loads a classic-BPF seccomp program from a file (as berth-shim does: no_new_privs,
 * then seccomp(SECCOMP_SET_MODE_FILTER)) and makes one syscall per argument, printing
 * "<case> <errno>" (0 = success). "-" instead of a file runs the cases unfiltered (the kernel's
 * own answer). Every case passes arguments the kernel rejects or that change nothing, so the
 * unfiltered run is harmless even as root.
 *
 *   seccomp-probe <program.bpf|-> <case>...
 *   case: a name below, or sys:<nr>:<a0>:<a1>:<a2> (numbers in C syntax, e.g. 0x10 or -1)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define X32_SYSCALL_BIT 0x40000000L

static long result(long r) { return r < 0 ? errno : 0; }

static long sys3(long nr, long a0, long a1, long a2) { return result(syscall(nr, a0, a1, a2, 0L, 0L, 0L)); }

/* socket() that closes what it opens: only the errno matters. */
static long try_socket(int domain, int type) {
  long fd = syscall(SYS_socket, domain, type, 0);
  if (fd < 0) return errno;
  close((int)fd);
  return 0;
}

static long int80_getpid(void) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory"); /* i386 __NR_getpid */
  return ret < 0 ? -ret : 0;
}

static long run_case(const char *name) {
  if (strncmp(name, "sys:", 4) == 0) {
    long v[4] = {0, 0, 0, 0};
    char *p = (char *)name + 4;
    for (int i = 0; i < 4 && *p; i++) {
      v[i] = (long)strtoull(p, &p, 0);
      if (*p == ':') p++;
    }
    return sys3(v[0], v[1], v[2], v[3]);
  }
  if (!strcmp(name, "getpid")) return sys3(SYS_getpid, 0, 0, 0);
  if (!strcmp(name, "getppid")) return sys3(SYS_getppid, 0, 0, 0);
  if (!strcmp(name, "write_badfd")) return sys3(SYS_write, -1, 0, 0);
  if (!strcmp(name, "mount")) return result(syscall(SYS_mount, NULL, NULL, NULL, 0L, NULL));
  if (!strcmp(name, "unshare_nothing")) return sys3(SYS_unshare, 0, 0, 0);
  if (!strcmp(name, "keyctl")) return sys3(SYS_keyctl, 0 /* GET_KEYRING_ID */, 0 /* no such key */, 0);
  if (!strcmp(name, "kexec_load")) return result(syscall(SYS_kexec_load, 0L, 0L, NULL, 0xdeadbeefL));
  if (!strcmp(name, "io_uring_setup")) return sys3(SYS_io_uring_setup, 0, 0, 0);
  /* CLONE_THREAD without CLONE_SIGHAND is invalid: the kernel refuses before creating anything. */
  if (!strcmp(name, "clone_thread")) return sys3(SYS_clone, CLONE_THREAD, 0, 0);
  if (!strcmp(name, "clone_newuser")) return sys3(SYS_clone, CLONE_NEWUSER | CLONE_THREAD, 0, 0);
  if (!strcmp(name, "clone3")) return sys3(SYS_clone3, 0 /* NULL args */, 0 /* size */, 0);
  if (!strcmp(name, "set_mempolicy_home_node")) return sys3(450, 0, 0, 0);
  if (!strcmp(name, "cachestat")) return sys3(451, -1, 0, 0);
  if (!strcmp(name, "socket_inet")) return try_socket(2 /* AF_INET */, 2 /* SOCK_DGRAM */);
  if (!strcmp(name, "socket_alg")) return try_socket(38 /* AF_ALG */, 5 /* SOCK_SEQPACKET */);
  if (!strcmp(name, "socket_vsock")) return try_socket(40 /* AF_VSOCK */, 1 /* SOCK_STREAM */);
  if (!strcmp(name, "personality_query")) return sys3(SYS_personality, 0xffffffffL, 0, 0);
  if (!strcmp(name, "personality_exec")) {
    long r = sys3(SYS_personality, 0x0400000 /* READ_IMPLIES_EXEC */, 0, 0);
    syscall(SYS_personality, 0L); /* undo it when it was allowed */
    return r;
  }
  if (!strcmp(name, "x32_getpid")) return sys3(X32_SYSCALL_BIT | SYS_getpid, 0, 0, 0);
  if (!strcmp(name, "int80_getpid")) return int80_getpid();
  fprintf(stderr, "seccomp-probe: unknown case %s\n", name);
  exit(2);
}

static void load_filter(const char *path) {
  static unsigned char buf[BPF_MAXINSNS * sizeof(struct sock_filter) + 1];
  FILE *f = fopen(path, "rb");
  if (!f) { fprintf(stderr, "seccomp-probe: open %s: %s\n", path, strerror(errno)); exit(2); }
  size_t n = fread(buf, 1, sizeof buf, f);
  fclose(f);
  if (n == 0 || n % sizeof(struct sock_filter) != 0 || n > BPF_MAXINSNS * sizeof(struct sock_filter)) {
    fprintf(stderr, "seccomp-probe: %s: %zu bytes is not a sock_filter array\n", path, n);
    exit(2);
  }
  struct sock_fprog prog = { .len = (unsigned short)(n / sizeof(struct sock_filter)), .filter = (struct sock_filter *)buf };
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) { printf("load %d\n", errno); exit(3); }
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) { printf("load %d\n", errno); exit(3); }
  printf("load 0\n");
}

int main(int argc, char **argv) {
  if (argc < 2) { fprintf(stderr, "usage: seccomp-probe <program.bpf|-> <case>...\n"); return 2; }
  setvbuf(stdout, NULL, _IONBF, 0); /* every line is out before a case that may kill us */
  if (strcmp(argv[1], "-") != 0) load_filter(argv[1]);
  for (int i = 2; i < argc; i++) printf("%s %ld\n", argv[i], run_case(argv[i]));
  return 0;
}
