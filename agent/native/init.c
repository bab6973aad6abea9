/* The container's init, between clone and execve. It runs every step of the plan in order and
 * reports the first failure to the monitor over the sync socket; nothing of the user's runs
 * until the monitor says start. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static int wait_for(int sync_fd, char want) {
  char msg;
  ssize_t n;
  do n = recv(sync_fd, &msg, 1, 0); while (n < 0 && errno == EINTR);
  return n == 1 && msg == want ? 0 : -1;
}

static void report(int sync_fd, const struct shim_error *e) {
  char msg[1 + sizeof(*e)];
  msg[0] = SYNC_ERROR;
  memcpy(msg + 1, e, sizeof(*e));
  (void)send(sync_fd, msg, sizeof(msg), MSG_NOSIGNAL);
}

/* M ignores SIGTERM etc. and blocks SIGCHLD; dispositions and the mask survive execve, so the
 * container would start deaf to `stop`. */
static void reset_signals(void) {
  sigset_t all;
  for (int s = 1; s < NSIG; s++) if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
}

/* Container root inside a new user namespace: until now our ids are the host's (unmapped). */
static int become_ns_root(const struct plan *p, struct shim_error *e) {
  if (!p->ns[NS_USER].wanted) return 0;
  if (setresgid(0, 0, 0) < 0) return shim_fail_errno(e, "userns", errno, "setresgid 0 in the user namespace");
  if (setresuid(0, 0, 0) < 0) return shim_fail_errno(e, "userns", errno, "setresuid 0 in the user namespace");
  return 0;
}

static int close_fds_except(int keep, struct shim_error *e) {
  /* CVE-2024-21626: an inherited host fd (a directory, a cgroup file) is a way out. */
  if (keep > 3 && close_range(3, (unsigned)keep - 1, 0) < 0) return shim_fail_errno(e, "fds", errno, "close_range 3..%d", keep - 1);
  if (close_range((unsigned)keep + 1, UINT_MAX, 0) < 0) return shim_fail_errno(e, "fds", errno, "close_range %d..", keep + 1);
  return 0;
}

static int enter_cwd(const char *cwd, struct shim_error *e) {
  char buf[PATH_MAX];
  if (chdir(cwd) < 0) return shim_fail_errno(e, "cwd", errno, "chdir %s", cwd);
  /* A cwd outside our root (leaked fd trick) makes getcwd fail with ENOENT. */
  if (!getcwd(buf, sizeof(buf))) return shim_fail_errno(e, "cwd", errno, "getcwd after chdir %s", cwd);
  return 0;
}

/* runc's and docker's: /dev/console is the terminal too (a bind of it), for what writes there.
 * Created as a new file (O_EXCL, never following a link), or else taken as it is through O_PATH:
 * no device of the host is ever opened. */
static int bind_console(int master, struct shim_error *e) {
  unsigned n;
  char pts[32], target[32];
  if (ioctl(master, TIOCGPTN, &n) < 0) return shim_fail_errno(e, "tty", errno, "ioctl TIOCGPTN /dev/ptmx");
  snprintf(pts, sizeof(pts), "/dev/pts/%u", n);
  int fd = open("/dev/console", O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) fd = open("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return shim_fail_errno(e, "tty", errno, "create /dev/console");
  snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
  int rc = mount(pts, target, NULL, MS_BIND, NULL) < 0 ? shim_fail_errno(e, "tty", errno, "bind %s on /dev/console", pts) : 0;
  close(fd);
  return rc;
}

/* With a tty: the terminal becomes init's (fds 0-2, controlling) and its master goes to M, which
 * logs what it writes and feeds it what attached clients type. After the rootfs (/dev/ptmx is the
 * container's), before the user's rights are applied (the terminal is given to the user). */
static int take_terminal(const struct plan *p, int sync_fd, struct shim_error *e) {
  int master, slave;
  char byte = SYNC_TTY;
  struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } control;
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
  if (tty_open(p, &master, &slave, e) || bind_console(master, e) || tty_take(slave, e)) return -1;
  close(slave);
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &master, sizeof(int));
  if (sendmsg(sync_fd, &msg, MSG_NOSIGNAL) != 1) return shim_fail_errno(e, "tty", errno, "sendmsg the terminal to the monitor");
  close(master);
  return 0;
}

static int setup(const struct plan *p, int sync_fd, int last_cap, char *cmd, size_t cmdlen, struct shim_error *e) {
  if (become_ns_root(p, e) || ns_join_paths(p, e)) return -1;
  if (p->hostname && sethostname(p->hostname, strlen(p->hostname)) < 0)
    return shim_fail_errno(e, "hostname", errno, "sethostname %s", p->hostname);
  if (p->domainname && setdomainname(p->domainname, strlen(p->domainname)) < 0)
    return shim_fail_errno(e, "hostname", errno, "setdomainname %s", p->domainname);
  if (rootfs_prepare(p, e) || rootfs_pivot(e) || rootfs_finish(p, e)) return -1;
  if (p->ns[NS_NET].wanted && !p->ns[NS_NET].path && ns_loopback_up(e)) return -1;
  if (p->tty && take_terminal(p, sync_fd, e)) return -1;
  /* Without no_new_privs the kernel wants CAP_SYS_ADMIN for a filter: load it before the drop. */
  if (!p->no_new_privs && seccomp_load(p, e)) return -1;
  if (caps_apply_user(p, last_cap, e)) return -1;
  if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return shim_fail_errno(e, "nnp", errno, "prctl PR_SET_NO_NEW_PRIVS");
  if (close_fds_except(sync_fd, e) || enter_cwd(p->cwd, e)) return -1;
  return resolve_command(p, cmd, cmdlen, e);
}

int init_main(const struct plan *p, int sync_fd, int last_cap) {
  struct shim_error e = { .step = "init" };
  char cmd[PATH_MAX], ready = SYNC_READY;
  reset_signals();
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0); /* M gone before start: nobody would ever start us */
  if (wait_for(sync_fd, SYNC_GO)) _exit(1);
  if (setup(p, sync_fd, last_cap, cmd, sizeof(cmd), &e)) { report(sync_fd, &e); _exit(1); }
  if (send(sync_fd, &ready, 1, MSG_NOSIGNAL) != 1 || wait_for(sync_fd, SYNC_START)) _exit(1);
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0); /* a running container outlives its monitor, like any process */
  if (p->no_new_privs && seccomp_load(p, &e)) {
    dprintf(2, "berth-shim: %s: %s\n", e.step, e.msg);
    _exit(1);
  }
  execve(cmd, p->args, p->env);
  int err = errno;
  dprintf(2, "berth-shim: execve %s: %s\n", cmd, strerror(err));
  _exit(err == ENOENT ? 127 : 126);
}
