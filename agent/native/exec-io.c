/* The stdio of an exec forked by the spawner (plan records `stdio`, `stdin`, `tty`; PLAN.md §4):
 * the exec shim opens a connection to the agent's unix socket per stream, each starting with the
 * line `<id> stdout|stderr|stdin|tty`, and copies between them and the command. The command
 * itself gets pipes, as under docker: a socket as fd 1 would make `echo x > /dev/stdout` fail with
 * ENXIO; or, with a tty, a pseudo-terminal (exec-tty.c). */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const stream_names[4] = { "stdout", "stderr", "stdin", "tty" };

static int connect_stream(const struct plan *p, const char *name, struct shim_error *e) {
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char hello[160];
  if (strlen(p->stdio_socket) >= sizeof(addr.sun_path))
    return shim_fail(e, "stdio", ENAMETOOLONG, "connect %s: longer than %zu bytes", p->stdio_socket, sizeof(addr.sun_path) - 1);
  strcpy(addr.sun_path, p->stdio_socket);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return shim_fail_errno(e, "stdio", errno, "socket AF_UNIX");
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
    int err = errno;
    close(fd);
    return shim_fail_errno(e, "stdio", err, "connect %s", p->stdio_socket);
  }
  int n = snprintf(hello, sizeof(hello), "%s %s\n", p->id, name);
  if (write_all(fd, hello, (size_t)n) < 0) {
    int err = errno;
    close(fd);
    return shim_fail_errno(e, "stdio", err, "write %s", p->stdio_socket);
  }
  return fd;
}

void exec_io_close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1; /* poll ignores negative fds */
}

void exec_io_close_all(struct exec_io *io) {
  for (int i = 0; i < 4; i++) exec_io_close_fd(&io->conn[i]);
  for (int i = 0; i < 3; i++) { exec_io_close_fd(&io->pipe[i][0]); exec_io_close_fd(&io->pipe[i][1]); }
  exec_io_close_fd(&io->tty_master);
  exec_io_close_fd(&io->tty_slave);
  free(io->in_buf);
  io->in_buf = NULL;
}

/* Connected before the shim joins the container's mnt namespace (the socket's path is the host's);
 * the pipes too. A tty comes later (tty_open, after the join): it must be the container's. */
int exec_io_open(const struct plan *p, struct exec_io *io, struct shim_error *e) {
  int wanted[4] = { 1, !p->tty, p->open_stdin, p->tty };
  memset(io, 0, sizeof(*io));
  for (int i = 0; i < 4; i++) io->conn[i] = -1;
  for (int i = 0; i < 3; i++) io->pipe[i][0] = io->pipe[i][1] = -1;
  io->tty_master = io->tty_slave = -1;
  for (int i = 0; i < 4; i++) {
    if (!wanted[i]) continue;
    if ((io->conn[i] = connect_stream(p, stream_names[i], e)) < 0) goto fail;
    if (i < 3 && !p->tty && pipe2(io->pipe[i], O_CLOEXEC) < 0) { shim_fail_errno(e, "stdio", errno, "pipe2 for %s", stream_names[i]); goto fail; }
  }
  /* The shim's end of stdin never blocks: a command that does not read must not stop its output. */
  if (p->open_stdin && ((!p->tty && fcntl(io->pipe[EXEC_STDIN][1], F_SETFL, O_NONBLOCK) < 0) || !(io->in_buf = malloc(IO_BUF)))) {
    shim_fail_errno(e, "stdio", errno ? errno : ENOMEM, "set up stdin");
    goto fail;
  }
  return 0;
fail:
  exec_io_close_all(io);
  return -1;
}

/* In the command's process: the pipes' ends become fds 1 and 2 (and 0); dup2 clears close-on-exec. */
int exec_io_child(const struct exec_io *io, struct shim_error *e) {
  if (io->tty_slave >= 0) return tty_take(io->tty_slave, e);
  for (int i = 0; i < 2; i++)
    if (dup2(io->pipe[i][1], i + 1) < 0) return shim_fail_errno(e, "stdio", errno, "dup2 %s", stream_names[i]);
  if (io->pipe[EXEC_STDIN][0] >= 0 && dup2(io->pipe[EXEC_STDIN][0], 0) < 0) return shim_fail_errno(e, "stdio", errno, "dup2 stdin");
  return 0;
}

/* An output pipe is readable: its bytes go to its connection. 0 at its end. */
static int pump_out(struct exec_io *io, int i, char *buf) {
  ssize_t r = read(io->pipe[i][0], buf, IO_BUF);
  if (r < 0 && errno == EINTR) return 1;
  if (r > 0) {
    /* A connection the agent closed is dropped; the pipe is still drained. */
    if (io->conn[i] >= 0 && write_all(io->conn[i], buf, (size_t)r) < 0) exec_io_close_fd(&io->conn[i]);
    return 1;
  }
  exec_io_close_fd(&io->pipe[i][0]); /* EOF (or a read error: nothing more can come from it) */
  exec_io_close_fd(&io->conn[i]);
  return 0;
}

/* The agent's next stdin bytes into in_buf, once it is empty; its end closes the connection. */
void exec_io_read_stdin(struct exec_io *io) {
  if (io->in_off < io->in_len) return;
  ssize_t r = read(io->conn[EXEC_STDIN], io->in_buf, IO_BUF);
  if (r > 0) { io->in_len = (size_t)r; io->in_off = 0; }
  else if (r == 0 || errno != EINTR) exec_io_close_fd(&io->conn[EXEC_STDIN]);
}

/* stdin: bytes from the agent wait in in_buf until the pipe takes them; the agent's end of input
 * closes the pipe once they are all in; a command that closed its stdin (EPIPE) ends the stream. */
static void pump_in(struct exec_io *io, short conn_events, short pipe_events) {
  int *conn = &io->conn[EXEC_STDIN], *pipe_w = &io->pipe[EXEC_STDIN][1];
  if (conn_events) exec_io_read_stdin(io);
  if ((pipe_events || conn_events) && io->in_off < io->in_len) {
    ssize_t w = write(*pipe_w, io->in_buf + io->in_off, io->in_len - io->in_off);
    if (w > 0) io->in_off += (size_t)w;
    else if (w < 0 && errno != EAGAIN && errno != EINTR) { io->in_off = io->in_len; exec_io_close_fd(conn); }
  }
  if (*conn < 0 && io->in_off == io->in_len) exec_io_close_fd(pipe_w);
}

/* In the exec shim: copies the command's output to the connections until every writer of both
 * output pipes is gone (the command and what it left running with them), and the agent's stdin
 * bytes into the command's stdin meanwhile. */
void exec_io_relay(struct exec_io *io) {
  char buf[IO_BUF];
  int open_outputs = 2;
  if (io->tty_master >= 0) { exec_tty_relay(io); return; }
  exec_io_close_fd(&io->pipe[0][1]);
  exec_io_close_fd(&io->pipe[1][1]);
  exec_io_close_fd(&io->pipe[EXEC_STDIN][0]);
  while (open_outputs > 0) {
    int pending = io->in_off < io->in_len;
    struct pollfd fds[4] = {
      { .fd = io->pipe[0][0], .events = POLLIN }, { .fd = io->pipe[1][0], .events = POLLIN },
      { .fd = pending ? -1 : io->conn[EXEC_STDIN], .events = POLLIN },
      { .fd = pending ? io->pipe[EXEC_STDIN][1] : -1, .events = POLLOUT },
    };
    if (poll(fds, 4, -1) < 0) {
      if (errno == EINTR) continue; /* a forwarded signal */
      break;
    }
    for (int i = 0; i < 2; i++)
      if (fds[i].revents && !pump_out(io, i, buf)) open_outputs--;
    if (fds[2].revents || fds[3].revents) pump_in(io, fds[2].revents, fds[3].revents);
  }
  exec_io_close_all(io);
}
