/* An exec: one more process in a running container, forked by the spawner. The exec shim joins
 * the container's cgroups and namespaces itself, forks (a pid namespace applies to children only),
 * carries the output to the agent's socket (exec-io.c) and exits with the child's status, which
 * the spawner reports. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t child_pid;

static void forward(int sig) { if (child_pid > 0) kill((pid_t)child_pid, sig); }

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };
#define N_FORWARDED (sizeof(forwarded) / sizeof(forwarded[0]))

/* Joining a namespace we are already in is an error for user namespaces: skip those. */
static int same_ns(int fd, const char *name) {
  char self[64];
  struct stat a, b;
  snprintf(self, sizeof(self), "/proc/self/ns/%s", name);
  return stat(self, &a) == 0 && fstat(fd, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* All ns fds are opened first: after joining mnt, /proc/<init_pid> is no longer the host's. */
static int join_container(const struct plan *p, struct shim_error *e) {
  int fds[NS_COUNT];
  char path[64];
  int rc = 0;
  for (int i = 0; i < NS_COUNT; i++) {
    fds[i] = -1;
    if (!p->ns[i].wanted) continue;
    snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)p->init_pid, ns_names[i]);
    if ((fds[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0) { rc = shim_fail_errno(e, "ns", errno, "open %s", path); break; }
  }
  /* ns_index is already the join order: user first (it grants the rights for the rest), mnt last. */
  for (int i = 0; rc == 0 && i < NS_COUNT; i++) {
    if (fds[i] < 0 || same_ns(fds[i], ns_names[i])) continue;
    if (setns(fds[i], 0) < 0) rc = shim_fail_errno(e, "ns", errno, "setns /proc/%d/ns/%s", (int)p->init_pid, ns_names[i]);
  }
  for (int i = 0; i < NS_COUNT; i++) if (fds[i] >= 0) close(fds[i]);
  return rc;
}

static int child_setup(const struct plan *p, int status_fd, char *cmd, size_t cmdlen, struct shim_error *e) {
  int last_cap = caps_read_last_cap(e);
  if (last_cap < 0) return -1;
  for (size_t i = 0; i < p->n_rlimits; i++)
    if (setrlimit(p->rlimits[i].resource, &p->rlimits[i].lim) < 0)
      return shim_fail_errno(e, "rlimit", errno, "setrlimit %d", p->rlimits[i].resource);
  if (chdir(p->cwd) < 0) return shim_fail_errno(e, "cwd", errno, "chdir %s", p->cwd);
  if (!p->no_new_privs && seccomp_load(p, e)) return -1;
  if (caps_apply_user(p, last_cap, e)) return -1;
  if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) return shim_fail_errno(e, "nnp", errno, "prctl PR_SET_NO_NEW_PRIVS");
  /* Everything above 2 goes at execve; the status fd stays usable until then. */
  if (close_range(3, UINT_MAX, CLOSE_RANGE_CLOEXEC) < 0) return shim_fail_errno(e, "fds", errno, "close_range CLOEXEC");
  (void)status_fd;
  return resolve_command(p, cmd, cmdlen, e);
}

static void run_child(const struct plan *p, int status_fd, const struct exec_io *io) {
  struct shim_error e;
  char cmd[PATH_MAX];
  sigset_t none;
  /* Every disposition, not only the forwarded ones: the spawner ignores SIGPIPE, and an ignored
   * signal stays ignored across execve. */
  for (int s = 1; s < NSIG; s++) if (s != SIGKILL && s != SIGSTOP) signal(s, SIG_DFL);
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  if (exec_io_child(io, &e) || child_setup(p, status_fd, cmd, sizeof(cmd), &e)) {
    status_error(status_fd, &e);
    _exit(!strcmp(e.step, "exec") ? (e.err == ENOENT ? 127 : 126) : 125);
  }
  if (p->no_new_privs && seccomp_load(p, &e)) { status_error(status_fd, &e); _exit(125); }
  execve(cmd, p->args, p->env);
  int err = errno;
  shim_fail_errno(&e, "exec", err, "execve %s", cmd);
  status_error(status_fd, &e);
  _exit(err == ENOENT ? 127 : 126);
}

int exec_main(struct plan *p, int status_fd) {
  struct shim_error e;
  struct sigaction sa;
  struct exec_io io;
  int status;
  pid_t pid;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = forward;
  sa.sa_flags = SA_RESTART;
  for (size_t i = 0; i < N_FORWARDED; i++) sigaction(forwarded[i], &sa, NULL);
  /* Connected before joining the mnt namespace: the socket's path is the host's. `pid` tells the
   * agent that both connections exist, so it waits for them to end. */
  if (exec_io_open(p, &io, &e)) { status_error(status_fd, &e); return 125; }
  status_line(status_fd, "pid %d", (int)getpid());
  if (cgroup_enter(p, getpid(), &e) || join_container(p, &e) || (p->tty && tty_open(p, &io.tty_master, &io.tty_slave, &e))) {
    status_error(status_fd, &e);
    return 125;
  }
  if ((pid = fork()) < 0) { shim_fail_errno(&e, "clone", errno, "fork"); status_error(status_fd, &e); return 125; }
  if (pid == 0) run_child(p, status_fd, &io);
  child_pid = pid;
  /* Only the child reports from here on; it holds the channel until its execve. */
  close(status_fd);
  exec_io_relay(&io);
  while (waitpid(pid, &status, 0) < 0) if (errno != EINTR) return 125;
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
