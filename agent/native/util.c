/* Error reporting, file writes and command lookup shared by create and exec. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int vfail(struct shim_error *e, const char *step, int err, int with_errno, const char *fmt, va_list ap) {
  size_t n;
  snprintf(e->step, sizeof(e->step), "%s", step);
  e->err = err;
  vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
  n = strlen(e->msg);
  if (with_errno && n < sizeof(e->msg)) snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(err));
  /* A status line is one line: the agent splits on \n. */
  for (char *c = e->msg; *c; c++) if (*c == '\n' || *c == '\r') *c = ' ';
  return -1;
}

int shim_fail(struct shim_error *e, const char *step, int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail(e, step, err, 0, fmt, ap);
  va_end(ap);
  return -1;
}

int shim_fail_errno(struct shim_error *e, const char *step, int err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfail(e, step, err, 1, fmt, ap);
  va_end(ap);
  return -1;
}

int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len) {
    ssize_t w = write(fd, p, len);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    p += w; len -= (size_t)w;
  }
  return 0;
}

/* Kernel files (cgroup.procs, uid_map, oom_score_adj) want one write of the whole value. */
int write_file(const char *path, const char *data, int flags, struct shim_error *e, const char *step) {
  int fd = open(path, O_WRONLY | O_CLOEXEC | flags, 0644);
  if (fd < 0) return shim_fail_errno(e, step, errno, "open %s", path);
  if (write_all(fd, data, strlen(data)) < 0) {
    int err = errno;
    close(fd);
    return shim_fail_errno(e, step, err, "write %s", path);
  }
  if (close(fd) < 0) return shim_fail_errno(e, step, errno, "close %s", path);
  return 0;
}

/* temp + fsync + rename: readers see the old file or the whole new one, never a torn write. */
int write_file_atomic(const char *path, const char *data, struct shim_error *e, const char *step) {
  char tmp[4096];
  int fd;
  if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= sizeof(tmp))
    return shim_fail(e, step, ENAMETOOLONG, "write %s: path too long", path);
  fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return shim_fail_errno(e, step, errno, "open %s", tmp);
  if (write_all(fd, data, strlen(data)) < 0 || fsync(fd) < 0) {
    int err = errno;
    close(fd); unlink(tmp);
    return shim_fail_errno(e, step, err, "write %s", tmp);
  }
  close(fd);
  if (rename(tmp, path) < 0) {
    int err = errno;
    unlink(tmp);
    return shim_fail_errno(e, step, err, "rename %s to %s", tmp, path);
  }
  return 0;
}

/* Set once per process: a launch forked by the spawner prefixes every status line with its
 * container id, because all launches share one channel to the agent (PLAN.md §3). */
static const char *status_prefix;

void status_set_id(const char *id) { status_prefix = id; }

void status_line(int fd, const char *fmt, ...) {
  char line[1024]; /* < PIPE_BUF: one write, so concurrent launches' lines never interleave */
  va_list ap;
  int n, head = 0, body;
  if (fd < 0) return;
  if (status_prefix) head = snprintf(line, sizeof(line), "%.128s ", status_prefix);
  va_start(ap, fmt);
  body = vsnprintf(line + head, sizeof(line) - 1 - (size_t)head, fmt, ap);
  va_end(ap);
  if (body < 0) return;
  n = head + body;
  if ((size_t)n > sizeof(line) - 2) n = sizeof(line) - 2;
  line[n++] = '\n';
  (void)write_all(fd, line, (size_t)n); /* the agent may be gone: nothing to do about it */
}

void status_error(int fd, const struct shim_error *e) {
  status_line(fd, "error %s %d %s", e->step, e->err, e->msg);
}

static const char *plan_path_var(const struct plan *p) {
  for (size_t i = 0; i < p->n_env; i++)
    if (!strncmp(p->env[i], "PATH=", 5)) return p->env[i] + 5;
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

/* 0 = executable regular file, else the errno execve would give. */
static int executable(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0) return errno;
  if (!S_ISREG(st.st_mode)) return EACCES;
  return faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0 ? errno : 0;
}

/* execvp's rules, but with the PATH of the container's env (not ours): a name with a slash is
 * used as is; otherwise the first executable PATH entry wins, and EACCES is reported only when a
 * candidate existed but none was executable. */
int resolve_command(const struct plan *p, char *out, size_t outlen, struct shim_error *e) {
  const char *cmd = p->args[0], *dirs = plan_path_var(p);
  int seen_eacces = 0;
  if (!cmd[0]) return shim_fail(e, "exec", ENOENT, "execvp \"\": empty command");
  if (strchr(cmd, '/')) {
    int err = executable(cmd);
    if (err) return shim_fail_errno(e, "exec", err, "execvp %s", cmd);
    snprintf(out, outlen, "%s", cmd);
    return 0;
  }
  while (dirs) {
    const char *colon = strchr(dirs, ':');
    size_t dlen = colon ? (size_t)(colon - dirs) : strlen(dirs);
    int n = snprintf(out, outlen, "%.*s%s%s", (int)dlen, dirs, dlen ? "/" : "", cmd);
    dirs = colon ? colon + 1 : NULL;
    if (n < 0 || (size_t)n >= outlen) continue;
    int err = executable(out);
    if (!err) return 0;
    if (err == EACCES) seen_eacces = 1;
  }
  return shim_fail_errno(e, "exec", seen_eacces ? EACCES : ENOENT, "execvp %s (PATH=%s)", cmd, plan_path_var(p));
}
