/*
 * Stand-in workloads for test/bench/sampler.ts (not part of berth). `ticker MODE...` forks one
 * child per MODE, prints the children's pids (one per line) and waits; the children die with it.
 * Each child has a network namespace of its own, with only lo, as a berth container has by
 * default (`--network none`); it goes away with the child. `ticker --host-net MODE...`: the
 * children stay in the host's (`--network host`).
 *   idle    sleeps (a container waiting for work)
 *   active  wakes every 200 ms and does a few µs of work: its CPU usage moves between any two
 *           ticks 250 ms apart, at a load 1000 of them can put on 2 cores
 *   churn   wakes every 250 ms and grows or shrinks its resident memory by 1 MiB + 64 KiB at
 *           random, within 0..4 such steps: its memory usage moves by more than 1 MiB too
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define CHUNK ((1UL << 20) + (64UL << 10))
#define CHUNKS 4

static void nap(long ms) {
  struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
  nanosleep(&ts, NULL);
}

static void active(void) {
  volatile unsigned long sink = 0;
  for (;;) {
    for (int i = 0; i < 2000; i++) sink += (unsigned long)i * 2654435761UL;
    nap(200);
  }
}

static void churn(unsigned seed) {
  char *base = mmap(NULL, CHUNK * CHUNKS, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) { perror("ticker: mmap"); exit(1); }
  int held = 0;
  for (;;) {
    int grow = held == 0 || (held < CHUNKS && rand_r(&seed) % 2);
    if (grow) {
      for (unsigned long off = 0; off < CHUNK; off += 4096) base[held * CHUNK + off] = 1;
      held++;
    } else {
      held--;
      madvise(base + held * CHUNK, CHUNK, MADV_DONTNEED);
    }
    nap(250);
  }
}

int main(int argc, char **argv) {
  int host_net = argc > 1 && strcmp(argv[1], "--host-net") == 0;
  int ready[2]; /* a child says it is in its own netns before its pid is printed (and read there) */
  if (pipe(ready) != 0) { perror("ticker: pipe"); return 1; }
  for (int i = 1 + host_net; i < argc; i++) {
    pid_t pid = fork();
    if (pid < 0) { perror("ticker: fork"); return 1; }
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() == 1) _exit(0);
      int isolated = host_net || unshare(CLONE_NEWNET) == 0;
      if (!isolated) perror("ticker: unshare(CLONE_NEWNET)");
      if (write(ready[1], isolated ? "y" : "n", 1) != 1 || !isolated) _exit(1);
      if (strcmp(argv[i], "active") == 0) active();
      if (strcmp(argv[i], "churn") == 0) churn((unsigned)getpid());
      for (;;) pause();
    }
    char byte;
    if (read(ready[0], &byte, 1) != 1 || byte != 'y') { fprintf(stderr, "ticker: child %d did not start\n", pid); return 1; }
    printf("%d\n", pid);
  }
  fflush(stdout);
  for (;;) pause();
}
