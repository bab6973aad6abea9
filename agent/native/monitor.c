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
  int out[2], err[2], in[2], sync[2];
  int tty_master;            /* with a tty: init's terminal (its output is the log's stdout) */
  struct attach attach;      /* with stdin or a tty */
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
  attach_close(&m->attach, m->p->state_dir);
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
  /* docker -i without -t: init's stdin is a pipe M feeds from attached clients (never blocking on it). */
  if (p->open_stdin && !p->tty && (pipe2(m->in, O_CLOEXEC) < 0 || fcntl(m->in[1], F_SETFL, O_NONBLOCK) < 0))
    return shim_fail_errno(e, "shim", errno, "pipe2 for stdin");
  /* Before `created`: a client can attach before the container starts (run -i sees all). */
  if ((p->open_stdin || p->tty) && attach_listen(&m->attach, p->state_dir, e)) return -1;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, m->sync) < 0) return shim_fail_errno(e, "shim", errno, "socketpair sync");
  return 0;
}

static void start_init(struct monitor *m, int last_cap) {
  close(m->sync[0]);
  if (dup2(m->in[0] >= 0 ? m->in[0] : m->null_fd, 0) < 0 || dup2(m->out[1], 1) < 0 || dup2(m->err[1], 2) < 0) _exit(1);
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

/* One message from init; a terminal's master (SYNC_TTY) lands in m->tty_master. */
static ssize_t receive(struct monitor *m, char *buf, size_t len) {
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } control;
  struct iovec iov = { .iov_base = buf, .iov_len = len };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
  ssize_t n;
  do n = recvmsg(m->sync_fd, &msg, MSG_CMSG_CLOEXEC); while (n < 0 && errno == EINTR);
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (n == 1 && buf[0] == SYNC_TTY && c && c->cmsg_type == SCM_RIGHTS && m->tty_master < 0) memcpy(&m->tty_master, CMSG_DATA(c), sizeof(int));
  return n;
}

/* Blocks until init is ready to exec or has failed. */
static int await_created(struct monitor *m, struct shim_error *e) {
  char msg[1 + sizeof(struct shim_error)], go = SYNC_GO;
  ssize_t n;
  if (send(m->sync_fd, &go, 1, MSG_NOSIGNAL) != 1) return shim_fail_errno(e, "init", errno, "send go to init %d", (int)m->init);
  do n = receive(m, msg, sizeof(msg)); while (n == 1 && msg[0] == SYNC_TTY);
  if (n == 1 && msg[0] == SYNC_READY) {
    if (!m->p->tty || m->tty_master >= 0) return 0;
    return shim_fail(e, "tty", EPROTO, "init %d was ready without sending its terminal", (int)m->init); /* fail() kills it */
  }
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
  if (rootfs_clone_sources(m->p, e)) return -1;
  if ((m->init = ns_clone_init(m->p, e)) < 0) { m->init = 0; return -1; }
  if (m->init == 0) start_init(m, last_cap);
  rootfs_close_sources(m->p);
  m->sync_fd = m->sync[0];
  close(m->sync[1]); close(m->out[1]); close(m->err[1]); close(m->null_fd);
  if (m->in[0] >= 0) close(m->in[0]);
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
  attach_close(&m->attach, m->p->state_dir); /* before the exit file: once it exists, nothing attaches */
  if (exit_write(m->p->exit_path, m->p->exit_reserve, m->init, status, &e) < 0) _exit(2);
  _exit(0);
}

/* Output of stream `s` is readable (or ended). An interactive container's output is logged as it
 * comes, not held back until its line ends: a shell's prompt must show. */
static void on_output(struct monitor *m, int ep, int s) {
  int interactive = m->p->open_stdin || m->p->tty;
  if (!cri_pump(&m->streams[s], &m->log)) {
    if (interactive) cri_flush_partial(&m->streams[s], &m->log);
    return;
  }
  cri_flush_partial(&m->streams[s], &m->log);
  epoll_ctl(ep, EPOLL_CTL_DEL, m->streams[s].fd, NULL);
  if (m->streams[s].fd == m->tty_master) { attach_target_gone(&m->attach); m->tty_master = -1; }
  close(m->streams[s].fd);
  m->streams[s].fd = -1;
}

static void run(struct monitor *m) {
  int ep = epoll_create1(EPOLL_CLOEXEC), status = 0;
  const char *names[2] = { "stdout", "stderr" };
  /* With a tty everything the container writes comes through its terminal, logged as stdout
   * (docker's too); the pipes were replaced in init. */
  int fds[2] = { m->tty_master >= 0 ? m->tty_master : m->out[0], m->tty_master >= 0 ? -1 : m->err[0] };
  if (ep < 0) _exit(2);
  if (m->tty_master >= 0) { close(m->out[0]); close(m->err[0]); }
  for (int i = 0; i < 2; i++) {
    m->streams[i].fd = fds[i];
    m->streams[i].name = names[i];
    if (fds[i] < 0) continue;
    fcntl(fds[i], F_SETFL, O_NONBLOCK);
    epoll_add(ep, fds[i]);
  }
  epoll_add(ep, m->sig_fd);
  epoll_add(ep, m->fifo_fd);
  if (m->attach.made) attach_target(&m->attach, ep, m->tty_master >= 0 ? m->tty_master : m->in[1], m->tty_master >= 0);
  for (;;) {
    struct epoll_event evs[8];
    int n = epoll_wait(ep, evs, 8, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) _exit(2);
    for (int i = 0; i < n; i++) {
      int fd = evs[i].data.fd;
      if (fd == m->fifo_fd) on_start(m, ep);
      else if (fd == m->sig_fd) { if (reap(m, &status)) finish(m, status); }
      else if (fd == m->streams[0].fd || fd == m->streams[1].fd) {
        /* The terminal's master is also where typed input goes. */
        if ((evs[i].events & EPOLLOUT) && fd == m->tty_master) attach_writable(&m->attach);
        if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_output(m, ep, fd == m->streams[0].fd ? 0 : 1);
      }
      else attach_event(&m->attach, fd);
    }
  }
}

int monitor_main(struct plan *p, int status_fd) {
  struct monitor m = { .p = p, .status_fd = status_fd, .log = { .fd = -1 }, .fifo_fd = -1, .sync_fd = -1, .sig_fd = -1, .null_fd = -1,
    .in = { -1, -1 }, .tty_master = -1, .attach = { .listen_fd = -1, .target = -1 } };
  struct shim_error e = { .step = "shim" };
  if (chdir("/") < 0) { shim_fail_errno(&e, "shim", errno, "chdir /"); fail(&m, &e); }
  if (create(&m, &e)) fail(&m, &e);
  status_line(status_fd, "created");
  close(status_fd); /* no pipe to the agent may stay open: the agent must be free to die */
  run(&m);
  return 0;
}
