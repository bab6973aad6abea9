/* berth-shim create: the plan arrives on fd 3, status lines go to fd 4 (PLAN.md).
 * berth-shim spawner: launch and exec requests and status lines share the channel on fd 3 (PLAN.md §3).
 * berth-shim -- COMMAND…: a container's PID 1 with --init (reaper.c). */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define PLAN_FD 3
#define STATUS_FD 4

static int usage(void) {
  dprintf(2, "usage: berth-shim create       (plan on fd %d, status on fd %d)\n"
             "       berth-shim spawner      (framed launch and exec plans in, status lines out on fd %d)\n"
             "       berth-shim -- COMMAND…  (a container's PID 1 with --init)\n"
             "see agent/native/PLAN.md\n", PLAN_FD, STATUS_FD, PLAN_FD);
  return 2;
}

int main(int argc, char **argv) {
  struct shim_error e;
  struct plan p;
  char *buf;
  size_t len;
  int status_fd = STATUS_FD;
  if (argc == 2 && !strcmp(argv[1], "spawner")) {
    /* close-on-exec: init execs the container's command and must not inherit the channel */
    if (fcntl(PLAN_FD, F_SETFD, FD_CLOEXEC) < 0) {
      dprintf(2, "berth-shim spawner: fd %d (the channel to the agent): %s\n", PLAN_FD, strerror(errno));
      return 2;
    }
    return spawner_main(PLAN_FD);
  }
  if (argc >= 2 && !strcmp(argv[1], "devices")) return devices_main(argc, argv); /* devices.c */
  if (argc >= 3 && !strcmp(argv[1], "--")) return reaper_main(argv + 2);          /* reaper.c: --init */
  if (argc != 2 || strcmp(argv[1], "create")) return usage();
  /* Without a status channel errors still need a reader: stderr. */
  if (fcntl(STATUS_FD, F_SETFD, FD_CLOEXEC) < 0) status_fd = 2;
  if (plan_read_fd(PLAN_FD, &buf, &len, &e) || plan_parse(buf, len, 0, &p, &e)) {
    status_error(status_fd, &e);
    return 1;
  }
  close(PLAN_FD);
  pid_t pid = fork();
  if (pid < 0) {
    shim_fail_errno(&e, "shim", errno, "fork monitor");
    status_error(status_fd, &e);
    return 1;
  }
  if (pid > 0) _exit(0); /* the agent's child is done; M carries on in its own session */
  return monitor_main(&p, status_fd);
}
