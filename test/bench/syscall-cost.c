/*
 * The cost of entering and leaving the kernel on this machine, for test/bench/sampler.ts (not
 * part of berth): prints the median ns of one null system call (getppid) over 9 rounds of 100000.
 * Every pread of a stat file pays it once, so it tells how much of the sampler's floor is the
 * machine (a virtual machine that traps every system call pays many times a bare-metal one's).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 9
#define CALLS 100000

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(void) {
  double rounds[ROUNDS];
  for (int r = 0; r < ROUNDS; r++) {
    double start = now_ns();
    for (int i = 0; i < CALLS; i++) syscall(SYS_getppid); /* syscall(): no libc caching of the answer */
    rounds[r] = (now_ns() - start) / CALLS;
  }
  qsort(rounds, ROUNDS, sizeof rounds[0], compare);
  printf("%.0f\n", rounds[ROUNDS / 2]);
  return 0;
}
