/* Container stdout/stderr → CRI log lines: `<time> stdout|stderr F|P <content>\n`. The kubelet
 * format, so `berth logs` can split streams and rebuild long lines (P = partial: a line longer
 * than the 16 KiB buffer, or output that ended without a newline). With log_rotate the file is
 * rotated between records once it reached its size, as docker's json-file does with max-size and
 * max-file: path → path.1 → … → path.<max_files-1>, the oldest dropped; max_files 1 truncates. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* A rename or open that fails keeps the current file: a log that grows past its size loses nothing. */
static void rotate(struct cri_log *log) {
  char from[4096], to[4096];
  if (log->max_files <= 1) {
    if (ftruncate(log->fd, 0) == 0) log->size = 0;
    return;
  }
  for (unsigned long i = log->max_files - 1; i >= 1; i--) {
    if (i == 1) snprintf(from, sizeof(from), "%s", log->path);
    else snprintf(from, sizeof(from), "%s.%lu", log->path, i - 1);
    snprintf(to, sizeof(to), "%s.%lu", log->path, i);
    if (rename(from, to) < 0 && errno != ENOENT && i == 1) return;
  }
  int fd = open(log->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
  if (fd < 0) return;
  if (dup3(fd, log->fd, O_CLOEXEC) >= 0) log->size = 0;
  close(fd);
}

static void emit(const struct cri_stream *s, struct cri_log *log, const char *data, size_t len, char tag) {
  int log_fd = log->fd;
  char head[96], ts[48];
  format_time(ts, sizeof(ts), 1);
  int n = snprintf(head, sizeof(head), "%s %s %c ", ts, s->name, tag);
  struct iovec iov[3] = { { head, (size_t)n }, { (void *)data, len }, { "\n", 1 } };
  /* One writev per record: with O_APPEND a reader never sees two records interleaved. */
  size_t total = (size_t)n + len + 1;
  ssize_t w = writev(log_fd, iov, 3);
  if (w < 0) return; /* disk full: the record is lost, as docker's json-file loses it; init goes on */
  if ((size_t)w < total) {
    /* Short write (the disk filled up, or a signal): finish it, record order is what matters. */
    char rest[sizeof(s->buf) + 128];
    off_t start = lseek(log_fd, 0, SEEK_CUR) - w; /* O_APPEND left the offset at the end */
    size_t off = 0;
    for (int i = 0; i < 3; i++) { memcpy(rest + off, iov[i].iov_base, iov[i].iov_len); off += iov[i].iov_len; }
    if (write_all(log_fd, rest + w, total - (size_t)w) < 0) {
      /* What was written is part of a record: cut it off, or the next record once there is room
       * again would continue its line and both would be unreadable. */
      if (start >= 0) (void)ftruncate(log_fd, start);
      return;
    }
  }
  log->size += total;
  if (log->max_bytes && log->size >= log->max_bytes) rotate(log);
}

static void emit_lines(struct cri_stream *s, struct cri_log *log) {
  size_t start = 0;
  for (;;) {
    char *nl = memchr(s->buf + start, '\n', s->len - start);
    if (!nl) break;
    emit(s, log, s->buf + start, (size_t)(nl - (s->buf + start)), 'F');
    start = (size_t)(nl - s->buf) + 1;
  }
  if (start == 0 && s->len == sizeof(s->buf)) { emit(s, log, s->buf, s->len, 'P'); s->len = 0; return; }
  memmove(s->buf, s->buf + start, s->len - start);
  s->len -= start;
}

int cri_pump(struct cri_stream *s, struct cri_log *log) {
  for (;;) {
    ssize_t n = read(s->fd, s->buf + s->len, sizeof(s->buf) - s->len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return 0;
    if (n <= 0) return 1;
    s->len += (size_t)n;
    emit_lines(s, log);
  }
}

void cri_flush_partial(struct cri_stream *s, struct cri_log *log) {
  if (s->len) emit(s, log, s->buf, s->len, 'P');
  s->len = 0;
}
