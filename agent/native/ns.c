/* Namespaces: which are created by clone, which are joined (and by whom), the user namespace
 * maps, cgroup placement, and the loopback interface of a new network namespace. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

const int ns_clone_flags[NS_COUNT] = {
  [NS_USER] = CLONE_NEWUSER, [NS_IPC] = CLONE_NEWIPC, [NS_UTS] = CLONE_NEWUTS, [NS_NET] = CLONE_NEWNET,
  [NS_PID] = CLONE_NEWPID, [NS_CGROUP] = CLONE_NEWCGROUP, [NS_TIME] = CLONE_NEWTIME, [NS_MNT] = CLONE_NEWNS,
};

static int is_new(const struct plan *p, int i) { return p->ns[i].wanted && !p->ns[i].path; }
static int is_joined(const struct plan *p, int i) { return p->ns[i].wanted && p->ns[i].path; }

static int join(const struct plan *p, int i, struct shim_error *e) {
  int fd = open(p->ns[i].path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return shim_fail_errno(e, "ns", errno, "open %s namespace %s", ns_names[i], p->ns[i].path);
  if (setns(fd, ns_clone_flags[i]) < 0) {
    int err = errno;
    close(fd);
    return shim_fail_errno(e, "ns", err, "setns %s namespace %s", ns_names[i], p->ns[i].path);
  }
  close(fd);
  return 0;
}

/* pid and time namespaces apply to the children of the caller, so M enters them before the clone. */
int ns_prepare_monitor(const struct plan *p, struct shim_error *e) {
  if (is_joined(p, NS_USER))
    return shim_fail(e, "ns", EINVAL, "ns user %s: joining a user namespace is not supported (its other namespaces would be owned by the host)", p->ns[NS_USER].path);
  if (is_joined(p, NS_PID) && join(p, NS_PID, e)) return -1;
  if (is_joined(p, NS_TIME) && join(p, NS_TIME, e)) return -1;
  if (is_new(p, NS_TIME) && unshare(CLONE_NEWTIME) < 0) return shim_fail_errno(e, "ns", errno, "unshare CLONE_NEWTIME");
  return 0;
}

/* A fork-like raw clone (no new stack): the child continues on a copy of our stack. With the user
 * namespace in the same clone, the kernel makes the new user namespace own all the others. The
 * cgroup namespace is left out: init unshares it once M has placed it in its cgroups. */
pid_t ns_clone_init(const struct plan *p, struct shim_error *e) {
  unsigned long flags = SIGCHLD;
  for (int i = 0; i < NS_COUNT; i++)
    if (is_new(p, i) && i != NS_CGROUP && i != NS_TIME) flags |= (unsigned long)ns_clone_flags[i];
  long pid = syscall(SYS_clone, flags, NULL, NULL, NULL, 0);
  if (pid < 0) return shim_fail_errno(e, "clone", errno, "clone flags 0x%lx", flags), -1;
  return (pid_t)pid;
}

/* In init, after placement: join the namespaces given by path, then unshare the cgroup namespace
 * so its root is the container's cgroup. */
int ns_join_paths(const struct plan *p, struct shim_error *e) {
  static const int order[] = { NS_IPC, NS_UTS, NS_NET, NS_CGROUP };
  for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
    if (is_joined(p, order[i]) && join(p, order[i], e)) return -1;
  if (is_new(p, NS_CGROUP) && unshare(CLONE_NEWCGROUP) < 0) return shim_fail_errno(e, "ns", errno, "unshare CLONE_NEWCGROUP");
  return 0;
}

static int write_map(pid_t pid, const char *file, const struct plan_idmap *maps, size_t n, struct shim_error *e) {
  char path[64], data[4096];
  size_t len = 0;
  snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
  for (size_t i = 0; i < n; i++) {
    int w = snprintf(data + len, sizeof(data) - len, "%lu %lu %lu\n", maps[i].inner, maps[i].outer, maps[i].size);
    if (w < 0 || (size_t)w >= sizeof(data) - len) return shim_fail(e, "userns", E2BIG, "write %s: too many mappings", path);
    len += (size_t)w;
  }
  return write_file(path, data, 0, e, "userns");
}

/* Written by M (privileged in the parent namespace), so setgroups stays allowed in the container. */
int ns_write_id_maps(const struct plan *p, pid_t pid, struct shim_error *e) {
  if (!is_new(p, NS_USER)) return 0;
  if (write_map(pid, "uid_map", p->uid_maps, p->n_uid_maps, e)) return -1;
  return write_map(pid, "gid_map", p->gid_maps, p->n_gid_maps, e);
}

int cgroup_enter(const struct plan *p, pid_t pid, struct shim_error *e) {
  char data[32];
  snprintf(data, sizeof(data), "%d", (int)pid);
  for (size_t i = 0; i < p->n_cgroup_procs; i++)
    if (write_file(p->cgroup_procs[i], data, 0, e, "cgroup")) return -1;
  return 0;
}

/* A new network namespace has only `lo`, and it is down; programs expect 127.0.0.1 to work. */
int ns_loopback_up(struct shim_error *e) {
  struct ifreq ifr;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return shim_fail_errno(e, "network", errno, "socket AF_INET for lo");
  memset(&ifr, 0, sizeof(ifr));
  snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
  if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
    int err = errno;
    close(fd);
    return shim_fail_errno(e, "network", err, "ioctl SIOCGIFFLAGS lo");
  }
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) {
    int err = errno;
    close(fd);
    return shim_fail_errno(e, "network", err, "ioctl SIOCSIFFLAGS lo up");
  }
  close(fd);
  return 0;
}
