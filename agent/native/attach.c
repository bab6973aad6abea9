/* The container's attach socket `<state_dir>/attach.sock`, served by M while the container lives
 * (plan records `stdin`, `tty`; PLAN.md §2a). A client (the agent, for attach / run -i / run -t)
 * sends framed messages `<type><u32 little-endian length><payload>`:
 *   'd'  bytes for the container's stdin (its stdin pipe, or its terminal)
 *   's'  a terminal size: u16 LE rows, u16 LE cols (with a tty; SIGWINCH to its foreground group)
 *   'e'  the end of stdin: once what came before is in, the stdin pipe is closed (the container
 *        reads EOF: docker's StdinOnce); with a tty it is ignored (a terminal has no end of input)
 * A connection's end is a detach and changes nothing for the container. Output is not sent here:
 * it is in the log, which the agent follows. M never blocks on a client nor on the container:
 * while the container has not taken the bytes already read, no connection is read (the kernel's
 * socket buffers then hold the clients back). */
#include "shim.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define ATTACH_BUF 65536

static void set_events(struct attach *a, int fd, uint32_t events) {
  struct epoll_event ev = { .events = events, .data.fd = fd };
  epoll_ctl(a->ep, EPOLL_CTL_MOD, fd, &ev);
}

/* The socket is bound from inside the state dir: its full path may be longer than sun_path. */
int attach_listen(struct attach *a, const char *state_dir, struct shim_error *e) {
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  strcpy(addr.sun_path, ATTACH_SOCKET);
  a->listen_fd = a->target = -1;
  for (int i = 0; i < ATTACH_MAX; i++) a->conns[i].fd = -1;
  if ((a->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
    return shim_fail_errno(e, "attach", errno, "socket AF_UNIX");
  if (chdir(state_dir) < 0) return shim_fail_errno(e, "attach", errno, "chdir %s", state_dir);
  /* 0600 whatever the agent's umask: whoever can connect types into the container. */
  mode_t umask_before = umask(0177);
  int bound = bind(a->listen_fd, (struct sockaddr *)&addr, sizeof(addr)), err = errno;
  umask(umask_before);
  if (chdir("/") < 0 || bound < 0) return shim_fail_errno(e, "attach", bound < 0 ? err : errno, "bind %s/%s", state_dir, ATTACH_SOCKET);
  a->made = 1;
  if (listen(a->listen_fd, ATTACH_MAX) < 0) return shim_fail_errno(e, "attach", errno, "listen %s/%s", state_dir, ATTACH_SOCKET);
  return 0;
}

/* `fd`: the stdin pipe's write end or the terminal's master (already in epoll for its output). */
void attach_target(struct attach *a, int ep, int fd, int is_tty) {
  a->ep = ep;
  a->target = fd;
  a->target_is_tty = is_tty;
  struct epoll_event ev = { .events = EPOLLIN, .data.fd = a->listen_fd };
  epoll_ctl(ep, EPOLL_CTL_ADD, a->listen_fd, &ev);
}

static int pending(const struct attach *a) { return a->off < a->len; }

/* While bytes wait for the container, no connection is read and the target is watched for room. */
static void hold(struct attach *a, int on) {
  for (int i = 0; i < ATTACH_MAX; i++) if (a->conns[i].fd >= 0) set_events(a, a->conns[i].fd, on ? 0 : EPOLLIN);
  if (a->target < 0) return;
  if (a->target_is_tty) { set_events(a, a->target, EPOLLIN | (on ? EPOLLOUT : 0)); return; }
  struct epoll_event ev = { .events = EPOLLOUT, .data.fd = a->target };
  epoll_ctl(a->ep, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, a->target, &ev);
}

/* The container no longer reads (it closed its stdin, or its terminal is gone): input is dropped. */
void attach_target_gone(struct attach *a) {
  if (pending(a)) hold(a, 0);
  if (a->target >= 0 && !a->target_is_tty) close(a->target);
  a->target = -1;
  a->len = a->off = 0;
}

static void close_stdin_if_done(struct attach *a) {
  if (a->close_after && !pending(a) && a->target >= 0 && !a->target_is_tty) attach_target_gone(a);
}

/* Writes what it can; 0 when all is in (or nowhere to go). */
static int flush(struct attach *a) {
  while (pending(a) && a->target >= 0) {
    ssize_t w = write(a->target, a->buf + a->off, a->len - a->off);
    if (w > 0) { a->off += (size_t)w; continue; }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) return 1;
    attach_target_gone(a); /* EPIPE: the container closed its stdin */
    return 0;
  }
  a->len = a->off = 0;
  close_stdin_if_done(a);
  return 0;
}

static void drop(struct attach_conn *c) {
  close(c->fd); /* also leaves epoll */
  memset(c, 0, sizeof(*c));
  c->fd = -1;
}

/* Reads the connection's messages until it would block, a data payload waits for room, or it
 * ends (a detach) or breaks the framing (dropped). */
static void read_conn(struct attach *a, struct attach_conn *c) {
  ssize_t r;
  for (;;) {
    if (!c->type) { /* a header */
      r = read(c->fd, c->head + c->head_len, sizeof(c->head) - c->head_len);
      if (r <= 0) break;
      if ((c->head_len += (size_t)r) < sizeof(c->head)) continue;
      c->head_len = 0;
      c->type = (char)c->head[0];
      c->left = (uint32_t)c->head[1] | (uint32_t)c->head[2] << 8 | (uint32_t)c->head[3] << 16 | (uint32_t)c->head[4] << 24;
      if (c->type == 'e' && c->left == 0) { a->close_after = 1; c->type = 0; close_stdin_if_done(a); continue; }
      if ((c->type == 'd' && c->left > 0) || (c->type == 's' && c->left == 4)) continue;
      if (c->type == 'd') { c->type = 0; continue; }
      drop(c); /* not a message of this protocol */
      return;
    }
    if (c->type == 's') {
      r = read(c->fd, c->size + (4 - c->left), c->left);
      if (r <= 0) break;
      if ((c->left -= (uint32_t)r) > 0) continue;
      if (a->target >= 0 && a->target_is_tty) tty_resize(a->target, c->size[0] | c->size[1] << 8, c->size[2] | c->size[3] << 8);
      c->type = 0;
      continue;
    }
    if (pending(a)) return; /* 'd': room first */
    if (!a->buf && !(a->buf = malloc(ATTACH_BUF))) { drop(c); return; }
    r = read(c->fd, a->buf, c->left < ATTACH_BUF ? c->left : ATTACH_BUF);
    if (r <= 0) break;
    if ((c->left -= (uint32_t)r) == 0) c->type = 0;
    if (a->target < 0 || a->close_after) continue; /* nobody reads it any more */
    a->len = (size_t)r;
    if (flush(a)) { hold(a, 1); return; }
  }
  if (r == 0 || (errno != EAGAIN && errno != EINTR)) drop(c);
}

/* Whether `fd` is the listening socket or a connection; handles its event if so. */
int attach_event(struct attach *a, int fd) {
  if (a->listen_fd >= 0 && fd == a->listen_fd) {
    int conn = accept4(a->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (conn < 0) return 1;
    for (int i = 0; i < ATTACH_MAX; i++) {
      if (a->conns[i].fd >= 0) continue;
      a->conns[i].fd = conn;
      struct epoll_event ev = { .events = pending(a) ? 0 : EPOLLIN, .data.fd = conn };
      epoll_ctl(a->ep, EPOLL_CTL_ADD, conn, &ev);
      return 1;
    }
    close(conn); /* ATTACH_MAX clients already */
    return 1;
  }
  for (int i = 0; i < ATTACH_MAX; i++) {
    if (a->conns[i].fd != fd) continue;
    read_conn(a, &a->conns[i]);
    return 1;
  }
  if (a->target >= 0 && !a->target_is_tty && fd == a->target) { attach_writable(a); return 1; }
  return 0;
}

/* The target has room: the rest of the held bytes, then the connections again. */
void attach_writable(struct attach *a) {
  if (!pending(a) || flush(a)) return;
  hold(a, 0);
  for (int i = 0; i < ATTACH_MAX && !pending(a); i++) if (a->conns[i].fd >= 0) read_conn(a, &a->conns[i]);
}

void attach_close(struct attach *a, const char *state_dir) {
  char path[4200];
  if (!a->made) return;
  snprintf(path, sizeof(path), "%s/%s", state_dir, ATTACH_SOCKET);
  unlink(path);
  a->made = 0;
}
