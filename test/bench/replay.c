/*
 * The floor in C, for test/bench/sampler.ts (not part of berth): the reads the sampler made,
 * replayed with pread at offset 0 through descriptors opened once (and open/read/close for a file
 * the sampler opens per read), with no JavaScript runtime in between. What a sampler reading
 * natively (a batched reader in C) would at best cost for the same reads.
 *
 * `replay PLAN`: PLAN lists the held files, then the reads of each tick:
 *   <held count> newline, one path per line,
 *   <tick count> newline, then per tick: <read count> newline and one line per read,
 *   "h <held index>" or "o <path>".
 * Then each line on stdin is a tick index; the answer on stdout is "<user µs> <system µs>" of
 * replaying that tick (getrusage around it). EOF on stdin ends it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

struct read_op { int held; char *path; };
struct tick { int count; struct read_op *reads; };

static char buf[64 * 1024];

static void die(const char *what, const char *detail) {
  fprintf(stderr, "replay: %s: %s\n", what, detail);
  exit(1);
}

static long line_number(FILE *f, const char *what) {
  long n;
  if (fscanf(f, "%ld\n", &n) != 1 || n < 0) die("bad plan", what);
  return n;
}

static char *line(FILE *f) {
  char *s = NULL;
  size_t cap = 0;
  ssize_t len = getline(&s, &cap, f);
  if (len <= 0) die("bad plan", "a line is missing");
  if (s[len - 1] == '\n') s[len - 1] = '\0';
  return s;
}

static long long micros(struct timeval tv) { return tv.tv_sec * 1000000LL + tv.tv_usec; }

static void replay(const struct tick *t, const int *fds) {
  for (int i = 0; i < t->count; i++) {
    const struct read_op *r = &t->reads[i];
    if (r->path == NULL) {
      if (pread(fds[r->held], buf, sizeof buf, 0) < 0) { /* gone since: the sampler's read failed too */ }
      continue;
    }
    int fd = open(r->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    if (pread(fd, buf, sizeof buf, 0) < 0) { /* as above */ }
    close(fd);
  }
}

int main(int argc, char **argv) {
  if (argc != 2) die("usage", "replay PLAN");
  FILE *plan = fopen(argv[1], "r");
  if (!plan) die("open", argv[1]);
  long held = line_number(plan, "the held count");
  int *fds = calloc(held + 1, sizeof *fds);
  for (long i = 0; i < held; i++) {
    char *path = line(plan);
    fds[i] = open(path, O_RDONLY | O_CLOEXEC);
    if (fds[i] < 0) { perror(path); return 1; }
    free(path);
  }
  long ticks = line_number(plan, "the tick count");
  struct tick *all = calloc(ticks + 1, sizeof *all);
  for (long t = 0; t < ticks; t++) {
    all[t].count = (int)line_number(plan, "a read count");
    all[t].reads = calloc(all[t].count + 1, sizeof *all[t].reads);
    for (int i = 0; i < all[t].count; i++) {
      char *s = line(plan);
      if (s[0] == 'h') all[t].reads[i].held = atoi(s + 2);
      else all[t].reads[i].path = strdup(s + 2);
      free(s);
    }
  }
  fclose(plan);
  long index;
  while (scanf("%ld", &index) == 1) {
    if (index < 0 || index >= ticks) die("bad tick", "index out of range");
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    replay(&all[index], fds);
    getrusage(RUSAGE_SELF, &after);
    printf("%lld %lld\n", micros(after.ru_utime) - micros(before.ru_utime), micros(after.ru_stime) - micros(before.ru_stime));
    fflush(stdout);
  }
  return 0;
}
