/* Credentials and capabilities: bounding set, groups, gid, uid, then effective/permitted.
 * Inheritable and ambient are always empty (CVE-2022-29162: non-empty inheritable caps let an
 * execve'd file capability regain privileges). */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Read before pivot_root: the host kernel decides which capability numbers exist. */
int caps_read_last_cap(struct shim_error *e) {
  char buf[16] = { 0 };
  int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return shim_fail_errno(e, "caps", errno, "open /proc/sys/kernel/cap_last_cap");
  ssize_t n = read(fd, buf, sizeof(buf) - 1);
  int err = errno;
  close(fd);
  if (n <= 0) return shim_fail_errno(e, "caps", n < 0 ? err : EIO, "read /proc/sys/kernel/cap_last_cap");
  int last = atoi(buf);
  return last > 0 && last < 64 ? last : shim_fail(e, "caps", EINVAL, "read /proc/sys/kernel/cap_last_cap: bad value %s", buf);
}

static int drop_bounding(uint64_t keep, int last_cap, struct shim_error *e) {
  for (int c = 0; c <= last_cap; c++) {
    if (keep & (1ULL << c)) continue;
    if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
      return shim_fail_errno(e, "caps", errno, "prctl PR_CAPBSET_DROP %d", c);
  }
  return 0;
}

static int set_ids(const struct plan *p, struct shim_error *e) {
  if (setgroups(p->n_groups, p->groups) < 0) return shim_fail_errno(e, "user", errno, "setgroups (%zu groups)", p->n_groups);
  if (setresgid(p->gid, p->gid, p->gid) < 0) return shim_fail_errno(e, "user", errno, "setresgid %u", p->gid);
  /* Without KEEPCAPS a setuid away from 0 clears the permitted set we still need to fill in. */
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) return shim_fail_errno(e, "user", errno, "prctl PR_SET_KEEPCAPS 1");
  if (setresuid(p->uid, p->uid, p->uid) < 0) return shim_fail_errno(e, "user", errno, "setresuid %u", p->uid);
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) return shim_fail_errno(e, "user", errno, "prctl PR_SET_KEEPCAPS 0");
  return 0;
}

static int set_caps(uint64_t effective, uint64_t permitted, struct shim_error *e) {
  struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
  struct __user_cap_data_struct data[2];
  memset(data, 0, sizeof(data));
  data[0].effective = (uint32_t)effective; data[1].effective = (uint32_t)(effective >> 32);
  data[0].permitted = (uint32_t)permitted; data[1].permitted = (uint32_t)(permitted >> 32);
  if (syscall(SYS_capset, &hdr, data) < 0)
    return shim_fail_errno(e, "caps", errno, "capset effective %llx permitted %llx", (unsigned long long)effective, (unsigned long long)permitted);
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return shim_fail_errno(e, "caps", errno, "prctl PR_CAP_AMBIENT_CLEAR_ALL");
  return 0;
}

int caps_apply_user(const struct plan *p, int last_cap, struct shim_error *e) {
  uint64_t valid = last_cap >= 63 ? ~0ULL : (1ULL << (last_cap + 1)) - 1;
  if (drop_bounding(p->cap_bounding, last_cap, e)) return -1; /* needs CAP_SETPCAP: before setuid */
  if (set_ids(p, e)) return -1;
  return set_caps(p->cap_effective & valid, p->cap_permitted & valid, e);
}
