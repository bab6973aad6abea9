/* The stdout and stderr of an exec forked by the spawner (plan record `stdio`, PLAN.md §4): the
 * exec shim opens two connections to the agent's unix socket, each starting with the line
 * `<id> stdout|stderr`, and copies the command's output into them. The command itself gets pipes,
 * as under docker: a socket as fd 1 would make `echo x > /dev/stdout` fail with ENXIO. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *const stream_names[2] = { "stdout", "stderr" };

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

int exec_io_open(const struct plan *p, struct exec_io *io, struct shim_error *e) {
  for (int i = 0; i < 2; i++) io->conn[i] = io->pipe[i][0] = io->pipe[i][1] = -1;
  for (int i = 0; i < 2; i++) {
    if ((io->conn[i] = connect_stream(p, stream_names[i], e)) < 0) goto fail;
    if (pipe2(io->pipe[i], O_CLOEXEC) < 0) { shim_fail_errno(e, "stdio", errno, "pipe2 for %s", stream_names[i]); goto fail; }
  }
  return 0;
fail:
  for (int i = 0; i < 2; i++) {
    if (io->conn[i] >= 0) close(io->conn[i]);
    if (io->pipe[i][0] >= 0) { close(io->pipe[i][0]); close(io->pipe[i][1]); }
  }
  return -1;
}

/* In the command's process: the pipes' write ends become fds 1 and 2 (dup2 clears close-on-exec). */
int exec_io_child(const struct exec_io *io, struct shim_error *e) {
  for (int i = 0; i < 2; i++)
    if (dup2(io->pipe[i][1], i + 1) < 0) return shim_fail_errno(e, "stdio", errno, "dup2 %s", stream_names[i]);
  return 0;
}

/* In the exec shim: copies each pipe to its connection until every writer of both pipes is gone
 * (the command and whatever it left running with them). A connection the agent closed is
 * dropped, but its pipe is still drained, so the command never blocks on a full pipe. */
void exec_io_relay(struct exec_io *io) {
  char buf[65536];
  int open_pipes = 2;
  for (int i = 0; i < 2; i++) close(io->pipe[i][1]);
  while (open_pipes > 0) {
    struct pollfd fds[2];
    for (int i = 0; i < 2; i++) fds[i] = (struct pollfd){ .fd = io->pipe[i][0], .events = POLLIN };
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue; /* a forwarded signal */
      break;
    }
    for (int i = 0; i < 2; i++) {
      if (!fds[i].revents) continue;
      ssize_t r = read(io->pipe[i][0], buf, sizeof(buf));
      if (r < 0 && errno == EINTR) continue;
      if (r > 0) {
        if (io->conn[i] >= 0 && write_all(io->conn[i], buf, (size_t)r) < 0) { close(io->conn[i]); io->conn[i] = -1; }
        continue;
      }
      close(io->pipe[i][0]); /* EOF (or a read error: nothing more can come from it) */
      io->pipe[i][0] = -1;   /* poll ignores negative fds */
      if (io->conn[i] >= 0) { close(io->conn[i]); io->conn[i] = -1; }
      open_pipes--;
    }
  }
}
