/* An exec's terminal (tty.c), relayed by the exec shim: what the terminal writes goes to the
 * stdout connection, the agent's stdin bytes into it, and the sizes arriving on the tty connection
 * as lines `ROWS COLS` are applied; that connection's end is a hangup. */
#include "shim.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define RESIZE_LINE 32

/* Whole lines `ROWS COLS` from the tty connection; the kernel sends SIGWINCH to the terminal's
 * foreground group for each size that changed. Anything else is ignored. Returns 0 at the
 * connection's end: no one will ever see this terminal again. */
static int apply_sizes(struct exec_io *io, char *buf, size_t *len) {
  ssize_t r = read(io->conn[EXEC_TTY], buf + *len, RESIZE_LINE - 1 - *len);
  if (r <= 0) return r < 0 && errno == EINTR;
  *len += (size_t)r;
  char *line = buf, *nl;
  while ((nl = memchr(line, '\n', (size_t)(buf + *len - line)))) {
    unsigned rows, cols;
    *nl = '\0';
    if (sscanf(line, "%u %u", &rows, &cols) == 2) tty_resize(io->tty_master, rows, cols);
    line = nl + 1;
  }
  *len = (size_t)(buf + *len - line);
  memmove(buf, line, *len);
  if (*len == RESIZE_LINE - 1) *len = 0; /* no size is that long */
  return 1;
}

/* Until the terminal has no other holder left (the command and what it left running): the
 * master then reads EIO, after what they wrote. Or until the tty connection ends: closing the
 * master then hangs the terminal up (SIGHUP to the command's session and foreground group), as
 * a terminal whose line dropped; an interactive shell nobody sees any more does not linger. */
void exec_tty_relay(struct exec_io *io) {
  char buf[IO_BUF], sizes[RESIZE_LINE];
  size_t sizes_len = 0;
  exec_io_close_fd(&io->tty_slave);
  for (;;) {
    int pending = io->in_off < io->in_len;
    struct pollfd fds[3] = {
      { .fd = io->tty_master, .events = POLLIN | (pending ? POLLOUT : 0) },
      { .fd = pending ? -1 : io->conn[EXEC_STDIN], .events = POLLIN },
      { .fd = io->conn[EXEC_TTY], .events = POLLIN },
    };
    if (poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue; /* a forwarded signal */
      break;
    }
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      ssize_t r = read(io->tty_master, buf, sizeof(buf));
      if (r > 0) {
        if (io->conn[0] >= 0 && write_all(io->conn[0], buf, (size_t)r) < 0) exec_io_close_fd(&io->conn[0]);
      } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
        break;
      }
    }
    /* The end of the agent's input is not passed on: a terminal has no end of input (docker's too). */
    if (fds[1].revents) exec_io_read_stdin(io);
    if (io->in_off < io->in_len && ((fds[0].revents & POLLOUT) || fds[1].revents)) {
      ssize_t w = write(io->tty_master, io->in_buf + io->in_off, io->in_len - io->in_off);
      if (w > 0) io->in_off += (size_t)w;
      else if (w < 0 && errno != EAGAIN && errno != EINTR) io->in_off = io->in_len;
    }
    if (fds[2].revents && !apply_sizes(io, sizes, &sizes_len)) break;
  }
  exec_io_close_all(io);
}
