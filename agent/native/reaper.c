/* `/dev/init -- COMMAND [ARG...]` (docker run --init's docker-init, i.e. tini): berth-shim bind-
 * mounted into the container runs as its PID 1, runs COMMAND as its child, passes it every signal
 * it gets, reaps every orphan the container's processes leave, and exits with COMMAND's status
 * (128+signal when a signal ended it). A plain PID 1 ignores signals it has no handler for and
 * leaves zombies; this one does neither. */
#include "shim.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int reaper_main(char **argv) {
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &old);
  pid_t child = fork();
  if (child < 0) { dprintf(2, "init: fork: %s\n", strerror(errno)); return 125; }
  if (child == 0) {
    sigprocmask(SIG_SETMASK, &old, NULL);
    execvp(argv[0], argv);
    int err = errno;
    dprintf(2, "init: exec %s: %s\n", argv[0], strerror(err));
    _exit(err == ENOENT ? 127 : 126);
  }
  for (;;) {
    siginfo_t si;
    int sig = sigwaitinfo(&all, &si);
    if (sig < 0) continue; /* EINTR */
    if (sig != SIGCHLD) { kill(child, sig); continue; }
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
      if (pid == child) return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
  }
}
