/* berth-shim spawner: one long-lived, tiny process per agent that forks the create shims and the
 * exec shims, so the agent (a ~100 MB Node process whose fork blocks its event loop for ~8-10 ms)
 * never forks to launch a container, run an exec or a healthcheck probe. Requests arrive on the
 * channel (fd 3) as `<L|X><u32 LE length><plan>`; every launch and exec writes its status lines
 * back on the same channel, prefixed with its id, and the spawner adds each exec's exit status
 * when it reaps it (PLAN.md §3). It sleeps in poll() without a timeout and exits at EOF (the
 * agent is gone). */
#include "shim.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define FRAME_HEADER 5 /* request type, u32 length */
#define MAX_ID 128

struct exec_child { pid_t pid; char id[MAX_ID + 1]; };

struct spawner {
  int chan, sig_fd;
  sigset_t old_mask;
  char *buf;       /* received bytes not yet handled: whole frames and one partial frame */
  size_t len, cap;
  struct exec_child *execs; /* exec shims not reaped yet, whose exit status the agent waits for */
  size_t n_execs, cap_execs;
};

/* A broken channel (unreadable, a request too large to be framed) ends the spawner: the agent
 * fails what is pending and starts a fresh one. `*` = no particular launch. */
static void __attribute__((noreturn)) channel_fatal(struct spawner *s, int err, const char *what) {
  struct shim_error e;
  shim_fail_errno(&e, "spawner", err, "%s", what);
  status_set_id("*");
  status_error(s->chan, &e);
  _exit(1);
}

/* Ids prefix status lines, so they must be one word; the agent's are 64 hex digits. */
static int usable_id(const char *id) {
  size_t n = id ? strlen(id) : 0;
  if (n == 0 || n > MAX_ID) return 0;
  for (const char *c = id; *c; c++)
    if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || *c == '-' || *c == '_' || *c == '.'))
      return 0;
  return 1;
}

static void report(struct spawner *s, const char *id, const struct shim_error *e) {
  status_set_id(usable_id(id) ? id : "-");
  status_error(s->chan, e);
  status_set_id(NULL);
}

/* The forked child: today's `create` after the plan is parsed. It forks the monitor M and exits,
 * so M is re-parented to init (or the nearest subreaper) and survives both spawner and agent. */
static void __attribute__((noreturn)) launch_child(struct spawner *s, struct plan *p) {
  struct shim_error e;
  close(s->sig_fd);
  sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
  status_set_id(p->id);
  pid_t pid = fork();
  if (pid < 0) {
    shim_fail_errno(&e, "shim", errno, "fork monitor");
    status_error(s->chan, &e);
    _exit(1);
  }
  if (pid > 0) _exit(0);
  _exit(monitor_main(p, s->chan));
}

/* The forked child of an exec request: the exec shim itself (exec.c), which reports `pid`, errors
 * on the channel and exits with the command's status; the spawner reaps it and reports that. */
static void __attribute__((noreturn)) exec_child(struct spawner *s, struct plan *p) {
  close(s->sig_fd);
  sigprocmask(SIG_SETMASK, &s->old_mask, NULL);
  status_set_id(p->id);
  _exit(exec_main(p, s->chan));
}

static void remember_exec(struct spawner *s, pid_t pid, const char *id) {
  if (s->n_execs == s->cap_execs) {
    size_t cap = s->cap_execs ? s->cap_execs * 2 : 16;
    struct exec_child *n = realloc(s->execs, cap * sizeof(*n));
    if (!n) channel_fatal(s, ENOMEM, "realloc exec table");
    s->execs = n;
    s->cap_execs = cap;
  }
  s->execs[s->n_execs].pid = pid;
  snprintf(s->execs[s->n_execs].id, sizeof(s->execs[0].id), "%s", id);
  s->n_execs++;
}

/* An exec shim was reaped: `<id> exit <code>`, or `<id> signal <n>` when it was killed itself. */
static void report_exec_exit(struct spawner *s, pid_t pid, int status) {
  for (size_t i = 0; i < s->n_execs; i++) {
    if (s->execs[i].pid != pid) continue;
    status_set_id(s->execs[i].id);
    if (WIFSIGNALED(status)) status_line(s->chan, "signal %d", WTERMSIG(status));
    else status_line(s->chan, "exit %d", WEXITSTATUS(status));
    status_set_id(NULL);
    s->execs[i] = s->execs[--s->n_execs];
    return;
  }
}

/* A request that forked nothing. An exec's last line is always its exit status, so it gets one. */
static void refuse(struct spawner *s, int is_exec, const char *id, const struct shim_error *e) {
  report(s, id, e);
  if (!is_exec || !usable_id(id)) return;
  status_set_id(id);
  status_line(s->chan, "exit 125");
  status_set_id(NULL);
}

/* Parsing here, not in the child: a bad plan costs no fork and its error still names the id. */
static void handle(struct spawner *s, int is_exec, const char *req, size_t len) {
  struct shim_error e;
  struct plan p;
  char *buf = malloc(len + 1);
  if (!buf) channel_fatal(s, ENOMEM, "malloc request buffer");
  memcpy(buf, req, len);
  buf[len] = '\0';
  if (plan_parse(buf, len, is_exec, &p, &e)) {
    refuse(s, is_exec, p.id, &e);
  } else if (!usable_id(p.id)) {
    shim_fail(&e, "plan", EINVAL, "plan record id: \"%.40s\" is not a status-line id (1-%d of [A-Za-z0-9._-])", p.id ? p.id : "", MAX_ID);
    report(s, NULL, &e);
  } else {
    pid_t pid = fork();
    if (pid == 0 && is_exec) exec_child(s, &p);
    if (pid == 0) launch_child(s, &p);
    if (pid < 0) {
      shim_fail_errno(&e, "shim", errno, is_exec ? "fork exec" : "fork launch");
      refuse(s, is_exec, p.id, &e);
    }
    if (pid > 0 && is_exec) remember_exec(s, pid, p.id);
  }
  plan_free(&p); /* frees buf too */
}

static uint32_t le32(const unsigned char *b) {
  return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* Handles every complete frame in the buffer and keeps the partial rest. */
static void dispatch(struct spawner *s) {
  size_t off = 0;
  while (s->len - off >= FRAME_HEADER) {
    char type = s->buf[off];
    uint32_t n = le32((const unsigned char *)s->buf + off + 1);
    if (type != 'L' && type != 'X') {
      char what[64];
      snprintf(what, sizeof(what), "read request on fd 3: type byte 0x%02x is neither L nor X", (unsigned char)type);
      channel_fatal(s, EPROTO, what);
    }
    if (n > MAX_PLAN) {
      char what[96];
      snprintf(what, sizeof(what), "read request on fd 3: %u bytes, over the %d-byte plan limit", n, MAX_PLAN);
      channel_fatal(s, EFBIG, what);
    }
    if (s->len - off - FRAME_HEADER < n) break;
    handle(s, type == 'X', s->buf + off + FRAME_HEADER, n);
    off += FRAME_HEADER + n;
  }
  memmove(s->buf, s->buf + off, s->len - off);
  s->len -= off;
}

/* Returns 0 at EOF. The channel stays blocking (M writes its status lines through the same open
 * file), so this reads once, after poll() said there is something. */
static int receive(struct spawner *s) {
  if (s->len == s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 65536;
    char *nb = realloc(s->buf, cap);
    if (!nb) channel_fatal(s, ENOMEM, "realloc request buffer");
    s->buf = nb;
    s->cap = cap;
  }
  ssize_t r = read(s->chan, s->buf + s->len, s->cap - s->len);
  if (r < 0 && (errno == EINTR || errno == EAGAIN)) return 1;
  if (r < 0) channel_fatal(s, errno, "read fd 3");
  if (r == 0) return 0;
  s->len += (size_t)r;
  dispatch(s);
  return 1;
}

static void reap(struct spawner *s) {
  struct signalfd_siginfo si;
  int status;
  pid_t pid;
  while (read(s->sig_fd, &si, sizeof(si)) > 0) {}
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) report_exec_exit(s, pid, status);
}

int spawner_main(int chan) {
  struct spawner s = { .chan = chan, .sig_fd = -1 };
  struct shim_error e;
  sigset_t chld;
  signal(SIGPIPE, SIG_IGN); /* the agent may die while a launch reports: EPIPE, not death */
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  if (chdir("/") < 0 || sigprocmask(SIG_BLOCK, &chld, &s.old_mask) < 0 ||
      (s.sig_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK)) < 0) {
    shim_fail_errno(&e, "spawner", errno, "set up (chdir /, SIGCHLD signalfd)");
    status_set_id("*");
    status_error(chan, &e);
    return 1;
  }
  for (;;) {
    struct pollfd fds[2] = { { .fd = chan, .events = POLLIN }, { .fd = s.sig_fd, .events = POLLIN } };
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      channel_fatal(&s, errno, "poll fd 3");
    }
    if (fds[1].revents) reap(&s);
    if (fds[0].revents && !receive(&s)) return 0;
  }
}
