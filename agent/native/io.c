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

/* The records of one read of a stream, written with one writev: a chatty container costs the
 * shim one system call per read, not one per line (a container printing short lines had its shim
 * spend a core in write at ~300k lines/s). A single writer on an O_APPEND file, so a
 * reader still never sees records interleaved. All records of a batch carry the time of the read. */
#define BATCH_RECORDS 256
struct batch {
  char head_f[96], head_p[96];
  size_t head_f_len, head_p_len;
  struct iovec iov[3 * BATCH_RECORDS];
  size_t lens[BATCH_RECORDS];
  int n;
  size_t bytes;
};

static void batch_start(struct batch *b, const struct cri_stream *s) {
  char ts[48];
  format_time(ts, sizeof(ts), 1);
  b->head_f_len = (size_t)snprintf(b->head_f, sizeof(b->head_f), "%s %s F ", ts, s->name);
  b->head_p_len = (size_t)snprintf(b->head_p, sizeof(b->head_p), "%s %s P ", ts, s->name);
  b->n = 0;
  b->bytes = 0;
}

/* A record written in part (the disk filled up, or a signal): finished, or, if that fails too, cut
 * off again, so the next record once there is room starts a line of its own. 0 when finished. */
static int finish_record(struct cri_log *log, const struct iovec *rec, size_t written) {
  char rest[sizeof(((struct cri_stream *)0)->buf) + 128];
  size_t total = 0;
  for (int i = 0; i < 3; i++) { memcpy(rest + total, rec[i].iov_base, rec[i].iov_len); total += rec[i].iov_len; }
  off_t start = lseek(log->fd, 0, SEEK_CUR) - (off_t)written; /* O_APPEND left the offset at the end */
  if (write_all(log->fd, rest + written, total - written) == 0) return 0;
  if (start >= 0) (void)ftruncate(log->fd, start);
  return -1;
}

/* Writes the batch's records in order; a record the disk has no room for is dropped with those
 * after it (init is never held up, as docker's json-file loses them too). Then rotates if due. */
static void batch_flush(struct batch *b, struct cri_log *log) {
  int first = 0;
  while (first < b->n) {
    ssize_t w = writev(log->fd, b->iov + 3 * first, 3 * (b->n - first));
    if (w <= 0) break;
    int i = first;
    size_t done = 0;
    while (i < b->n && done + b->lens[i] <= (size_t)w) done += b->lens[i++];
    log->size += done;
    if (i < b->n && (size_t)w > done) {
      if (finish_record(log, b->iov + 3 * i, (size_t)w - done) < 0) break;
      log->size += b->lens[i++];
    }
    first = i;
  }
  b->n = 0;
  b->bytes = 0;
  if (log->max_bytes && log->size >= log->max_bytes) rotate(log);
}

/* Adds one record; flushed when the batch is full, or as soon as its records reach the rotation
 * size, so that a log rotates right after the record that reached it, as when each was written alone. */
static void batch_add(struct batch *b, struct cri_log *log, const char *data, size_t len, char tag) {
  int partial = tag == 'P';
  struct iovec *iov = b->iov + 3 * b->n;
  iov[0] = (struct iovec){ partial ? b->head_p : b->head_f, partial ? b->head_p_len : b->head_f_len };
  iov[1] = (struct iovec){ (void *)data, len };
  iov[2] = (struct iovec){ "\n", 1 };
  b->lens[b->n] = iov[0].iov_len + len + 1;
  b->bytes += b->lens[b->n];
  b->n++;
  if (b->n == BATCH_RECORDS || (log->max_bytes && log->size + b->bytes >= log->max_bytes)) batch_flush(b, log);
}

static void emit_lines(struct cri_stream *s, struct cri_log *log) {
  struct batch b;
  size_t start = 0;
  batch_start(&b, s);
  for (;;) {
    char *nl = memchr(s->buf + start, '\n', s->len - start);
    if (!nl) break;
    batch_add(&b, log, s->buf + start, (size_t)(nl - (s->buf + start)), 'F');
    start = (size_t)(nl - s->buf) + 1;
  }
  if (start == 0 && s->len == sizeof(s->buf)) { batch_add(&b, log, s->buf, s->len, 'P'); start = s->len; }
  batch_flush(&b, log); /* before the buffer the records point into moves */
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
  if (s->len) {
    struct batch b;
    batch_start(&b, s);
    batch_add(&b, log, s->buf, s->len, 'P');
    batch_flush(&b, log);
  }
  s->len = 0;
}
