/* A pseudo-terminal for a container's init or an exec (plan record `tty ROWS COLS`, docker -t).
 * Opened from inside the container's mount namespace, so it is a terminal of the container's own
 * devpts (`tty` there says /dev/pts/N, as under docker). The process that takes it becomes a
 * session leader with it as its controlling terminal on fds 0, 1 and 2: a shell has job control,
 * and ^C reaches the foreground group. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int tty_open(const struct plan *p, int *master, int *slave, struct shim_error *e) {
  int unlock = 0;
  *slave = -1;
  if ((*master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) return shim_fail_errno(e, "tty", errno, "open /dev/ptmx");
  if (ioctl(*master, TIOCSPTLCK, &unlock) < 0) return shim_fail_errno(e, "tty", errno, "ioctl TIOCSPTLCK /dev/ptmx");
  /* The other end through the master, never by its path: /dev/pts is the container's to change. */
  if ((*slave = ioctl(*master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
    return shim_fail_errno(e, "tty", errno, "ioctl TIOCGPTPEER /dev/ptmx");
  struct winsize size = { .ws_row = p->tty_rows, .ws_col = p->tty_cols };
  if ((size.ws_row || size.ws_col) && ioctl(*master, TIOCSWINSZ, &size) < 0)
    return shim_fail_errno(e, "tty", errno, "ioctl TIOCSWINSZ %ux%u", size.ws_row, size.ws_col);
  /* The process's user's, as a login's terminal is: a command that opens it again (su, tmux,
   * `script`) can, where docker leaves it root's. */
  if (fchown(*slave, p->uid, (gid_t)-1) < 0) return shim_fail_errno(e, "tty", errno, "fchown the terminal to uid %u", (unsigned)p->uid);
  /* Never blocks whoever relays it: a command that reads no input must not stop its output. */
  if (fcntl(*master, F_SETFL, O_NONBLOCK) < 0) return shim_fail_errno(e, "tty", errno, "fcntl O_NONBLOCK /dev/ptmx");
  return 0;
}

/* In the process that will execve the command. */
int tty_take(int slave, struct shim_error *e) {
  if (setsid() < 0) return shim_fail_errno(e, "tty", errno, "setsid");
  if (ioctl(slave, TIOCSCTTY, 0) < 0) return shim_fail_errno(e, "tty", errno, "ioctl TIOCSCTTY");
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0) return shim_fail_errno(e, "tty", errno, "dup2 the terminal to fd %d", fd);
  return 0;
}

/* The kernel sends SIGWINCH to the terminal's foreground group when the size changed. */
void tty_resize(int master, unsigned rows, unsigned cols) {
  if (rows > UINT16_MAX || cols > UINT16_MAX) return;
  struct winsize size = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
  (void)ioctl(master, TIOCSWINSZ, &size);
}
