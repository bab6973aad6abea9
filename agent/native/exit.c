/* The exit file: the one record of how the container ended, read by the agent (also after a
 * restart, when nobody was waiting), so it is written atomically. */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const signal_names[] = {
  [SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL", [SIGTRAP] = "SIGTRAP",
  [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE", [SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1",
  [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2", [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM",
  [SIGSTKFLT] = "SIGSTKFLT", [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
  [SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU", [SIGXFSZ] = "SIGXFSZ",
  [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF", [SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR",
  [SIGSYS] = "SIGSYS",
};

/* RFC 3339 UTC with 9 fractional digits (CRI log) or 3 (like JavaScript's toISOString). */
void format_time(char *out, size_t outlen, int nanos) {
  struct timespec ts;
  struct tm tm;
  char date[32];
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
  if (nanos) snprintf(out, outlen, "%s.%09ldZ", date, ts.tv_nsec);
  else snprintf(out, outlen, "%s.%03ldZ", date, ts.tv_nsec / 1000000);
}

/* The agent set aside the exit file's space before init ran (the plan's exit_reserve): written in
 * place and renamed, the file needs no new block, so a container whose log filled the disk still
 * has its end recorded (docker keeps it in memory; the shim is gone once it wrote it). 0 once
 * `path` holds `json`; -1 if it could not be used (left as it is: the next launch replaces it). */
static int write_reserved(const char *reserve, const char *path, const char *json) {
  size_t len = strlen(json);
  int fd = open(reserve, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return -1;
  ssize_t w;
  do w = pwrite(fd, json, len, 0); while (w < 0 && errno == EINTR);
  int ok = w == (ssize_t)len && ftruncate(fd, (off_t)len) == 0 && fsync(fd) == 0;
  close(fd);
  return ok && rename(reserve, path) == 0 ? 0 : -1;
}

int exit_write(const char *path, const char *reserve, pid_t pid, int status, struct shim_error *e) {
  char json[256], when[48], sig[32] = "null";
  int code = 0;
  if (WIFSIGNALED(status)) {
    int s = WTERMSIG(status);
    code = 128 + s;
    if (s > 0 && (size_t)s < sizeof(signal_names) / sizeof(signal_names[0]) && signal_names[s])
      snprintf(sig, sizeof(sig), "\"%s\"", signal_names[s]);
    else
      snprintf(sig, sizeof(sig), "\"SIGRTMIN+%d\"", s - SIGRTMIN);
  } else {
    code = WEXITSTATUS(status);
  }
  format_time(when, sizeof(when), 0);
  snprintf(json, sizeof(json), "{\"exitCode\":%d,\"signal\":%s,\"finishedAt\":\"%s\",\"pid\":%d}\n", code, sig, when, (int)pid);
  if (reserve && write_reserved(reserve, path, json) == 0) return 0;
  return write_file_atomic(path, json, e, "exit");
}
