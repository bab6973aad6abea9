/* Container stdout/stderr → CRI log lines: `<time> stdout|stderr F|P <content>\n`. The kubelet
 * format, so `berth logs` can split streams and rebuild long lines (P = partial: a line longer
 * than the 16 KiB buffer, or output that ended without a newline). */
#include "shim.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

static void emit(const struct cri_stream *s, int log_fd, const char *data, size_t len, char tag) {
  char head[96], ts[48];
  format_time(ts, sizeof(ts), 1);
  int n = snprintf(head, sizeof(head), "%s %s %c ", ts, s->name, tag);
  struct iovec iov[3] = { { head, (size_t)n }, { (void *)data, len }, { "\n", 1 } };
  /* One writev per record: with O_APPEND a reader never sees two records interleaved. */
  size_t total = (size_t)n + len + 1;
  ssize_t w = writev(log_fd, iov, 3);
  if (w >= 0 && (size_t)w < total) {
    /* Short write (disk full or a signal): finish it, record order is what matters. */
    char rest[sizeof(s->buf) + 128];
    size_t off = 0;
    for (int i = 0; i < 3; i++) { memcpy(rest + off, iov[i].iov_base, iov[i].iov_len); off += iov[i].iov_len; }
    (void)write_all(log_fd, rest + w, total - (size_t)w);
  }
}

static void emit_lines(struct cri_stream *s, int log_fd) {
  size_t start = 0;
  for (;;) {
    char *nl = memchr(s->buf + start, '\n', s->len - start);
    if (!nl) break;
    emit(s, log_fd, s->buf + start, (size_t)(nl - (s->buf + start)), 'F');
    start = (size_t)(nl - s->buf) + 1;
  }
  if (start == 0 && s->len == sizeof(s->buf)) { emit(s, log_fd, s->buf, s->len, 'P'); s->len = 0; return; }
  memmove(s->buf, s->buf + start, s->len - start);
  s->len -= start;
}

int cri_pump(struct cri_stream *s, int log_fd) {
  for (;;) {
    ssize_t n = read(s->fd, s->buf + s->len, sizeof(s->buf) - s->len);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return 0;
    if (n <= 0) return 1;
    s->len += (size_t)n;
    emit_lines(s, log_fd);
  }
}

void cri_flush_partial(struct cri_stream *s, int log_fd) {
  if (s->len) emit(s, log_fd, s->buf, s->len, 'P');
  s->len = 0;
}
