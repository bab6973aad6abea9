/* berth-shim devices <cgroup-dir>: loads the BPF_PROG_TYPE_CGROUP_DEVICE program the agent compiled
 * from the container's device rules (agent/cgroups/v2/device-program.ts; struct bpf_insn[] on stdin)
 * and attaches it to the cgroup v2 directory, so the kernel enforces the rules on cgroup v2 (v1 has
 * devices.allow/deny instead). No policy here: the bytes are the decision. Node cannot call bpf(2),
 * hence this subcommand. See PLAN.md "berth-shim devices". */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A device program has ~8 instructions per rule; far below the kernel's 1M for privileged loads. */
#define DEVICES_MAX_INSNS 65536
#define DEVICES_LOG_SIZE (256 * 1024)
/* Only plain ALU/JMP/LDX, no helpers: the kernel needs no GPL-compatible license; berth's own. */
#define DEVICES_LICENSE "Apache-2.0"

static long sys_bpf(int cmd, union bpf_attr *attr) {
  return syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int read_program(struct bpf_insn **insns, size_t *count, struct shim_error *e) {
  size_t max = DEVICES_MAX_INSNS * sizeof(struct bpf_insn), len = 0;
  char *buf = malloc(max + 1);
  if (!buf) return shim_fail_errno(e, "read", ENOMEM, "read program from stdin");
  for (;;) {
    ssize_t n = read(0, buf + len, max + 1 - len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) { int err = errno; free(buf); return shim_fail_errno(e, "read", err, "read program from stdin"); }
    if (n == 0) break;
    len += (size_t)n;
    if (len > max) { free(buf); return shim_fail(e, "read", E2BIG, "read program from stdin: more than %d instructions", DEVICES_MAX_INSNS); }
  }
  if (len == 0 || len % sizeof(struct bpf_insn)) {
    free(buf);
    return shim_fail(e, "read", EINVAL, "read program from stdin: %zu bytes is not a non-empty array of %zu-byte struct bpf_insn", len, sizeof(struct bpf_insn));
  }
  *insns = (struct bpf_insn *)(void *)buf;
  *count = len / sizeof(struct bpf_insn);
  return 0;
}

/* The end of the verifier log: where it says which instruction it refused and why. */
static const char *log_tail(const char *log, size_t keep) {
  size_t n = strlen(log);
  while (n && (log[n - 1] == '\n' || log[n - 1] == ' ')) n--;
  return n > keep ? log + n - keep : log;
}

static int load_program(const struct bpf_insn *insns, size_t count, int *prog_fd, struct shim_error *e) {
  union bpf_attr attr;
  char *log;
  int err, fd;
  memset(&attr, 0, sizeof(attr));
  attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  attr.insns = (uint64_t)(uintptr_t)insns;
  attr.insn_cnt = (uint32_t)count;
  attr.license = (uint64_t)(uintptr_t)DEVICES_LICENSE;
  fd = (int)sys_bpf(BPF_PROG_LOAD, &attr);
  if (fd >= 0) { *prog_fd = fd; return 0; }
  err = errno;
  /* Load once more with the verifier log (not the first time: logging costs, and success is the norm). */
  log = calloc(1, DEVICES_LOG_SIZE);
  if (log) {
    attr.log_level = 1;
    attr.log_buf = (uint64_t)(uintptr_t)log;
    attr.log_size = DEVICES_LOG_SIZE;
    fd = (int)sys_bpf(BPF_PROG_LOAD, &attr);
    if (fd >= 0) { free(log); *prog_fd = fd; return 0; }
    log[DEVICES_LOG_SIZE - 1] = 0;
  }
  shim_fail(e, "load", err, "bpf BPF_PROG_LOAD BPF_PROG_TYPE_CGROUP_DEVICE (%zu instructions): %s%s%s", count, strerror(err),
            log && log[0] ? "; verifier: " : "", log ? log_tail(log, 480) : "");
  free(log);
  return -1;
}

static int attach_program(const char *dir, int prog_fd, struct shim_error *e) {
  union bpf_attr attr;
  int err, cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cg < 0) return shim_fail_errno(e, "open", errno, "open %s", dir);
  memset(&attr, 0, sizeof(attr));
  attr.target_fd = (uint32_t)cg;
  attr.attach_bpf_fd = (uint32_t)prog_fd;
  attr.attach_type = BPF_CGROUP_DEVICE;
  /* MULTI: programs of ancestors (systemd's, an outer runtime's) keep running too; all must allow. */
  attr.attach_flags = BPF_F_ALLOW_MULTI;
  if (sys_bpf(BPF_PROG_ATTACH, &attr) < 0) {
    err = errno;
    close(cg);
    /* cgroup_get_from_fd() answers EBADF for anything that is not a cgroup2 directory. */
    return shim_fail_errno(e, "attach", err, "bpf BPF_PROG_ATTACH BPF_CGROUP_DEVICE to %s%s", dir,
                           err == EBADF ? " (not a cgroup v2 directory)" : "");
  }
  close(cg);
  return 0;
}

int devices_main(int argc, char **argv) {
  struct shim_error e;
  struct bpf_insn *insns = NULL;
  size_t count = 0;
  int prog_fd = -1, rc;
  if (argc != 3 || !argv[2][0]) {
    dprintf(2, "usage: berth-shim devices <cgroup-v2-dir>  (struct bpf_insn[] on stdin; see agent/native/PLAN.md)\n");
    return 2;
  }
  rc = read_program(&insns, &count, &e);
  if (!rc) rc = load_program(insns, count, &prog_fd, &e);
  /* Once attached, the cgroup holds the program; our fd is not needed to keep it alive. */
  if (!rc) rc = attach_program(argv[2], prog_fd, &e);
  if (prog_fd >= 0) close(prog_fd);
  free(insns);
  if (rc) {
    status_error(2, &e);
    return 1;
  }
  return 0;
}
