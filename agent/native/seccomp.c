/* Loads the seccomp program compiled by the agent (agent/runtime/seccomp): classic BPF bytes, so
 * the shim needs no libseccomp and makes no policy decision of its own. */
#include "shim.h"

#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int seccomp_load(const struct plan *p, struct shim_error *e) {
  struct sock_fprog prog;
  if (!p->seccomp_len) return 0;
  if (p->seccomp_len / sizeof(struct sock_filter) > BPF_MAXINSNS)
    return shim_fail(e, "seccomp", EINVAL, "seccomp program: %zu instructions, the kernel allows %d",
                     p->seccomp_len / sizeof(struct sock_filter), BPF_MAXINSNS);
  prog.len = (unsigned short)(p->seccomp_len / sizeof(struct sock_filter));
  prog.filter = (struct sock_filter *)(void *)p->seccomp;
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
    return shim_fail_errno(e, "seccomp", errno, "seccomp SECCOMP_SET_MODE_FILTER (%u instructions)", prog.len);
  return 0;
}
