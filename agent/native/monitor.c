/* The monitor M (conmon's role): owns the container's init from clone to exit. It places init in
 * its cgroups before any user code runs, reports `shim/init/created` to the agent, waits for the
 * start fifo, copies stdout/stderr to the CRI log and writes the exit file. Idle, it sleeps in
 * epoll_wait without a timeout. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct monitor {
  struct plan *p;
  int status_fd, fifo_fd, sync_fd, sig_fd, null_fd;
  struct cri_log log;
  int out[2], err[2], sync[2];
  int made_log, made_fifo, wrote_shim_pid, wrote_init_pid;
  pid_t init;
  char shim_pid_path[4096], init_pid_path[4096];
  struct cri_stream streams[2];
};

static int pid_file(struct monitor *m, char *path, const char *name, pid_t pid, struct shim_error *e) {
  char data[32];
  if ((size_t)snprintf(path, sizeof(m->shim_pid_path), "%s/%s", m->p->state_dir, name) >= sizeof(m->shim_pid_path))
    return shim_fail(e, "shim", ENAMETOOLONG, "write %s/%s: path too long", m->p->state_dir, name);
  snprintf(data, sizeof(data), "%d\n", (int)pid);
  return write_file_atomic(path, data, e, "shim");
}

/* Nothing of a failed create stays behind except what the agent made itself. The error line
 * comes last: once the agent reads it, M's own cleanup is done and cannot race with the agent's. */
static void fail(struct monitor *m, const struct shim_error *e) {
  if (m->init > 0) {
    kill(m->init, SIGKILL);
    while (waitpid(m->init, NULL, 0) < 0 && errno == EINTR) {}
  }
  if (m->made_fifo) unlink(m->p->start_fifo);
  if (m->made_log) unlink(m->p->log_path);
  if (m->wrote_init_pid) unlink(m->init_pid_path);
  if (m->wrote_shim_pid) unlink(m->shim_pid_path);
  status_error(m->status_fd, e);
  _exit(1);
}

static int setup_signals(struct monitor *m, struct shim_error *e) {
  sigset_t chld;
  /* The agent stops a container by signalling init; a stray TERM to the whole group must not
   * take the monitor (and with it the exit record) down. */
  signal(SIGHUP, SIG_IGN); signal(SIGPIPE, SIG_IGN); signal(SIGTERM, SIG_IGN); signal(SIGINT, SIG_IGN);
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &chld, NULL) < 0) return shim_fail_errno(e, "shim", errno, "sigprocmask SIGCHLD");
  if ((m->sig_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) return shim_fail_errno(e, "shim", errno, "signalfd SIGCHLD");
  return 0;
}

static int open_files(struct monitor *m, struct shim_error *e) {
  struct plan *p = m->p;
  struct stat st;
  m->log = (struct cri_log){ .fd = -1, .path = p->log_path, .max_bytes = p->log_max_bytes, .max_files = p->log_max_files };
  m->log.fd = open(p->log_path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (m->log.fd >= 0) m->made_log = 1;
  else if (errno == EEXIST) m->log.fd = open(p->log_path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
  if (m->log.fd < 0) return shim_fail_errno(e, "shim", errno, "open log %s", p->log_path);
  /* A run after a restart appends: rotation counts what is already there. */
  if (fstat(m->log.fd, &st) == 0) m->log.size = (unsigned long)st.st_size;
  if (mkfifo(p->start_fifo, 0600) < 0) return shim_fail_errno(e, "shim", errno, "mkfifo %s", p->start_fifo);
  m->made_fifo = 1;
  /* O_RDWR: we are a writer too, so the fifo never reports EOF and the agent's O_NONBLOCK open
   * finds a reader exactly while we live. */
  if ((m->fifo_fd = open(p->start_fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) return shim_fail_errno(e, "shim", errno, "open fifo %s", p->start_fifo);
  if ((m->null_fd = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0) return shim_fail_errno(e, "shim", errno, "open /dev/null");
  if (pipe2(m->out, O_CLOEXEC) < 0 || pipe2(m->err, O_CLOEXEC) < 0) return shim_fail_errno(e, "shim", errno, "pipe2 for stdio");
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, m->sync) < 0) return shim_fail_errno(e, "shim", errno, "socketpair sync");
  return 0;
}

static void start_init(struct monitor *m, int last_cap) {
  close(m->sync[0]);
  if (dup2(m->null_fd, 0) < 0 || dup2(m->out[1], 1) < 0 || dup2(m->err[1], 2) < 0) _exit(1);
  _exit(init_main(m->p, m->sync[1], last_cap));
}

static int prepare_init(struct monitor *m, struct shim_error *e) {
  struct plan *p = m->p;
  char data[16];
  if (ns_write_id_maps(p, m->init, e) || cgroup_enter(p, m->init, e)) return -1;
  /* From outside with prlimit: raising a hard limit is impossible once inside a user namespace. */
  for (size_t i = 0; i < p->n_rlimits; i++)
    if (prlimit(m->init, p->rlimits[i].resource, &p->rlimits[i].lim, NULL) < 0)
      return shim_fail_errno(e, "rlimit", errno, "prlimit %d on pid %d", p->rlimits[i].resource, (int)m->init);
  if (p->has_oom_score_adj) {
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)m->init);
    snprintf(data, sizeof(data), "%d", p->oom_score_adj);
    if (write_file(path, data, 0, e, "oom")) return -1;
  }
  if (pid_file(m, m->init_pid_path, "init.pid", m->init, e)) return -1;
  m->wrote_init_pid = 1;
  return 0;
}

/* Blocks until init is ready to exec or has failed. */
static int await_created(struct monitor *m, struct shim_error *e) {
  char msg[1 + sizeof(struct shim_error)], go = SYNC_GO;
  ssize_t n;
  if (send(m->sync_fd, &go, 1, MSG_NOSIGNAL) != 1) return shim_fail_errno(e, "init", errno, "send go to init %d", (int)m->init);
  do n = recv(m->sync_fd, msg, sizeof(msg), 0); while (n < 0 && errno == EINTR);
  if (n == 1 && msg[0] == SYNC_READY) return 0;
  if (n == (ssize_t)sizeof(msg) && msg[0] == SYNC_ERROR) { memcpy(e, msg + 1, sizeof(*e)); return -1; }
  int status = 0;
  while (waitpid(m->init, &status, 0) < 0 && errno == EINTR) {}
  m->init = 0;
  return shim_fail(e, "init", ECHILD, "init exited before it was ready (wait status 0x%x)", status);
}

static int create(struct monitor *m, struct shim_error *e) {
  int last_cap;
  if (setsid() < 0) return shim_fail_errno(e, "shim", errno, "setsid");
  if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) return shim_fail_errno(e, "shim", errno, "prctl PR_SET_CHILD_SUBREAPER");
  if (setup_signals(m, e)) return -1;
  if (pid_file(m, m->shim_pid_path, "shim.pid", getpid(), e)) return -1;
  m->wrote_shim_pid = 1;
  status_line(m->status_fd, "shim %d", (int)getpid());
  if (open_files(m, e) || ns_prepare_monitor(m->p, e) || (last_cap = caps_read_last_cap(e)) < 0) return -1;
  if ((m->init = ns_clone_init(m->p, e)) < 0) { m->init = 0; return -1; }
  if (m->init == 0) start_init(m, last_cap);
  m->sync_fd = m->sync[0];
  close(m->sync[1]); close(m->out[1]); close(m->err[1]); close(m->null_fd);
  if (prepare_init(m, e)) return -1;
  status_line(m->status_fd, "init %d", (int)m->init);
  return await_created(m, e);
}

static void epoll_add(int ep, int fd) {
  struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };
  epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static void on_start(struct monitor *m, int ep) {
  char buf[16], go = SYNC_START;
  while (read(m->fifo_fd, buf, sizeof(buf)) > 0) {}
  epoll_ctl(ep, EPOLL_CTL_DEL, m->fifo_fd, NULL);
  close(m->fifo_fd);
  m->fifo_fd = -1;
  unlink(m->p->start_fifo); /* started once; a second start finds no fifo */
  (void)send(m->sync_fd, &go, 1, MSG_NOSIGNAL);
  close(m->sync_fd);
  m->sync_fd = -1;
}

/* Reaps every child (we are the subreaper); returns 1 once init is among them. */
static int reap(struct monitor *m, int *init_status) {
  struct signalfd_siginfo si;
  int status, done = 0;
  pid_t pid;
  while (read(m->sig_fd, &si, sizeof(si)) > 0) {}
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
    if (pid == m->init) { *init_status = status; done = 1; }
  return done;
}

static void finish(struct monitor *m, int status) {
  struct shim_error e;
  for (int i = 0; i < 2; i++) {
    if (m->streams[i].fd < 0) continue;
    cri_pump(&m->streams[i], &m->log); /* what init's processes wrote before they died */
    cri_flush_partial(&m->streams[i], &m->log);
  }
  if (m->fifo_fd >= 0) unlink(m->p->start_fifo);
  if (exit_write(m->p->exit_path, m->init, status, &e) < 0) _exit(2);
  _exit(0);
}

static void run(struct monitor *m) {
  int ep = epoll_create1(EPOLL_CLOEXEC), status = 0;
  const char *names[2] = { "stdout", "stderr" };
  int fds[2] = { m->out[0], m->err[0] };
  if (ep < 0) _exit(2);
  for (int i = 0; i < 2; i++) {
    m->streams[i].fd = fds[i];
    m->streams[i].name = names[i];
    fcntl(fds[i], F_SETFL, O_NONBLOCK);
    epoll_add(ep, fds[i]);
  }
  epoll_add(ep, m->sig_fd);
  epoll_add(ep, m->fifo_fd);
  for (;;) {
    struct epoll_event evs[4];
    int n = epoll_wait(ep, evs, 4, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) _exit(2);
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      if (fd == m->fifo_fd) on_start(m, ep);
      else if (fd == m->sig_fd) { if (reap(m, &status)) finish(m, status); }
      else for (int s = 0; s < 2; s++) {
        if (fd != m->streams[s].fd || !cri_pump(&m->streams[s], &m->log)) continue;
        cri_flush_partial(&m->streams[s], &m->log);
        epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
        close(fd);
        m->streams[s].fd = -1;
      }
    }
  }
}

int monitor_main(struct plan *p, int status_fd) {
  struct monitor m = { .p = p, .status_fd = status_fd, .log = { .fd = -1 }, .fifo_fd = -1, .sync_fd = -1, .sig_fd = -1, .null_fd = -1 };
  struct shim_error e = { .step = "shim" };
  if (chdir("/") < 0) { shim_fail_errno(&e, "shim", errno, "chdir /"); fail(&m, &e); }
  if (create(&m, &e)) fail(&m, &e);
  status_line(status_fd, "created");
  close(status_fd); /* no pipe to the agent may stay open: the agent must be free to die */
  run(&m);
  return 0;
}
