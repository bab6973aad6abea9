/* berth-shim: executes a launch plan decided by the TypeScript agent (wire format: PLAN.md).
 * Style: every step returns 0 / -1 and fills a struct shim_error naming the step, the syscall,
 * the path and errno, so the agent can report `mount /proc on /sys/...: EPERM` precisely. */
#ifndef BERTH_SHIM_H
#define BERTH_SHIM_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/resource.h>

struct shim_error {
  char step[24];
  int err;           /* errno, or EINVAL for a bad plan */
  char msg[768];     /* "<syscall> <path>: <strerror>" */
};

/* Fills e and returns -1, so call sites read `return shim_fail(e, "mount", errno, ...)`. */
int shim_fail(struct shim_error *e, const char *step, int err, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));
/* Same, with ": <strerror(err)>" appended. */
int shim_fail_errno(struct shim_error *e, const char *step, int err, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

enum ns_index { NS_USER, NS_IPC, NS_UTS, NS_NET, NS_PID, NS_CGROUP, NS_TIME, NS_MNT, NS_COUNT };
extern const char *const ns_names[NS_COUNT]; /* /proc/<pid>/ns/<name> */
extern const int ns_clone_flags[NS_COUNT];

struct plan_ns { int wanted; const char *path; /* NULL or "" = new */ };
/* tree_fd: with a new user namespace, a bind source's detached copy (rootfs_clone_sources), else -1. */
struct plan_mount { const char *source, *target, *fstype, *data, *create; unsigned long flags; int remount, tree_fd; };
struct plan_device { const char *path; char type; unsigned major, minor; mode_t mode; uid_t uid; gid_t gid; };
struct plan_symlink { const char *target, *link; };
struct plan_idmap { unsigned long inner, outer, size; };
struct plan_rlimit { int resource; struct rlimit lim; };
struct plan_sysctl { const char *key, *value; };

struct plan {
  int is_exec;
  const char *id, *state_dir, *rootfs, *hostname, *domainname, *cwd, *log_path, *exit_path, *exit_reserve, *start_fifo;
  int ro_rootfs, no_new_privs, has_oom_score_adj, oom_score_adj;
  unsigned long log_max_bytes, log_max_files; /* log_rotate: 0 bytes = never */
  pid_t init_pid;            /* exec plans */
  const char *stdio_socket;  /* exec plans: the agent's socket for stdout/stderr (exec-io.c) */
  int open_stdin;            /* stdin comes from the agent (docker -i): an exec's connection, or init's attach socket */
  int tty;                   /* a pseudo-terminal (docker -t), of tty_rows × tty_cols (0 = unset) */
  unsigned short tty_rows, tty_cols;
  struct plan_ns ns[NS_COUNT];
  struct plan_idmap *uid_maps, *gid_maps; size_t n_uid_maps, n_gid_maps;
  struct plan_mount *mounts; size_t n_mounts;
  struct plan_device *devices; size_t n_devices;
  struct plan_symlink *symlinks; size_t n_symlinks;
  const char **masked; size_t n_masked;
  const char **readonly; size_t n_readonly;
  struct plan_sysctl *sysctls; size_t n_sysctls;
  struct plan_rlimit *rlimits; size_t n_rlimits;
  const char **cgroup_procs; size_t n_cgroup_procs;
  uid_t uid; gid_t gid;
  gid_t *groups; size_t n_groups;
  uint64_t cap_bounding, cap_effective, cap_permitted;
  unsigned char *seccomp; size_t seccomp_len; /* bytes of struct sock_filter[] */
  char **args; size_t n_args;                 /* NULL-terminated */
  char **env; size_t n_env;                   /* NULL-terminated */
  char *buf;                                  /* the raw plan; every string points into it */
};

/* plan.c */
#define MAX_PLAN (16 * 1024 * 1024) /* bytes; also the largest spawner request */
int plan_read_fd(int fd, char **buf, size_t *len, struct shim_error *e);
int plan_parse(char *buf, size_t len, int is_exec, struct plan *p, struct shim_error *e);
void plan_free(struct plan *p);

/* util.c */
int write_all(int fd, const void *buf, size_t len);
int write_file(const char *path, const char *data, int flags, struct shim_error *e, const char *step);
int write_file_atomic(const char *path, const char *data, struct shim_error *e, const char *step);
void status_set_id(const char *id); /* spawner launches: "<id> " before every status line */
void status_line(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void status_error(int fd, const struct shim_error *e);
int resolve_command(const struct plan *p, char *out, size_t outlen, struct shim_error *e);

/* ns.c: namespaces, user namespace maps, cgroup placement */
int ns_prepare_monitor(const struct plan *p, struct shim_error *e);
pid_t ns_clone_init(const struct plan *p, struct shim_error *e);
int ns_join_paths(const struct plan *p, struct shim_error *e);
int ns_write_id_maps(const struct plan *p, pid_t pid, struct shim_error *e);
int cgroup_enter(const struct plan *p, pid_t pid, struct shim_error *e);
int ns_loopback_up(struct shim_error *e);

/* rootfs.c */
int rootfs_clone_sources(struct plan *p, struct shim_error *e);
void rootfs_close_sources(struct plan *p);
int rootfs_prepare(const struct plan *p, struct shim_error *e);
int rootfs_pivot(struct shim_error *e);
int rootfs_finish(const struct plan *p, struct shim_error *e);

/* caps.c */
int caps_read_last_cap(struct shim_error *e);
int caps_apply_user(const struct plan *p, int last_cap, struct shim_error *e);

/* seccomp.c */
int seccomp_load(const struct plan *p, struct shim_error *e);

/* io.c: CRI log */
struct cri_stream { int fd; const char *name; size_t len; char buf[16384]; };
/* The log file being written: past max_bytes it is rotated to path.1 … path.<max_files-1>. */
struct cri_log { int fd; const char *path; unsigned long size, max_bytes, max_files; };
int cri_pump(struct cri_stream *s, struct cri_log *log);  /* returns 1 at EOF */
void cri_flush_partial(struct cri_stream *s, struct cri_log *log);

/* exit.c */
int exit_write(const char *path, const char *reserve, pid_t pid, int status, struct shim_error *e);
void format_time(char *out, size_t outlen, int nanos);

/* init.c / monitor.c / exec.c */
int init_main(const struct plan *p, int sync_fd, int last_cap);
int monitor_main(struct plan *p, int status_fd);
int exec_main(struct plan *p, int status_fd);

/* exec-io.c: connections [0] = stdout, [1] = stderr (not with a tty), [2] = stdin (only with the
 * plan's `stdin 1`), [3] = tty (sizes in, its end a hangup; only with a tty); pipes for the first three without a tty. */
#define EXEC_STDIN 2
#define EXEC_TTY 3
#define IO_BUF 65536
struct exec_io {
  int conn[4]; int pipe[3][2];
  int tty_master, tty_slave;           /* with a tty (exec-tty.c), else -1 */
  char *in_buf; size_t in_len, in_off; /* stdin bytes read from the agent, not yet in the pipe or tty */
};
int exec_io_open(const struct plan *p, struct exec_io *io, struct shim_error *e);
int exec_io_child(const struct exec_io *io, struct shim_error *e);
void exec_io_relay(struct exec_io *io);
void exec_io_close_fd(int *fd);
void exec_io_close_all(struct exec_io *io);
void exec_io_read_stdin(struct exec_io *io);
/* exec-tty.c */
void exec_tty_relay(struct exec_io *io);
/* attach.c: the container's attach socket, served by M (stdin and terminal sizes from clients) */
#define ATTACH_MAX 8
#define ATTACH_SOCKET "attach.sock"
struct attach_conn { int fd; unsigned char head[5]; size_t head_len; char type; uint32_t left; unsigned char size[4]; };
struct attach {
  int ep, listen_fd, made;
  int target, target_is_tty;  /* where stdin goes: the stdin pipe or the terminal's master; -1 once closed */
  int close_after;            /* 'e' came: close the pipe once the bytes before it are in */
  char *buf; size_t len, off; /* bytes read from a client, not yet taken by the container */
  struct attach_conn conns[ATTACH_MAX];
};
int attach_listen(struct attach *a, const char *state_dir, struct shim_error *e);
void attach_target(struct attach *a, int ep, int fd, int is_tty);
int attach_event(struct attach *a, int fd);
void attach_writable(struct attach *a);
void attach_target_gone(struct attach *a);
void attach_close(struct attach *a, const char *state_dir);

/* tty.c: a terminal of the devpts mounted at /dev/pts (the caller's mount namespace) */
int tty_open(const struct plan *p, int *master, int *slave, struct shim_error *e);
int tty_take(int slave, struct shim_error *e);
void tty_resize(int master, unsigned rows, unsigned cols);
int spawner_main(int chan_fd);

/* reaper.c: `/dev/init -- COMMAND…`, a container's PID 1 with --init */
int reaper_main(char **argv);

/* devices.c: `berth-shim devices <cgroup-dir>`, eBPF device program on stdin */
int devices_main(int argc, char **argv);

/* Messages on the monitor/init sync socket (SOCK_SEQPACKET). */
#define SYNC_GO 'g'      /* M → init: placed in cgroups, maps written */
#define SYNC_READY 'r'   /* init → M: waiting for start */
#define SYNC_START 's'   /* M → init: execve */
#define SYNC_ERROR 'e'   /* init → M: followed by a struct shim_error */
#define SYNC_TTY 't'     /* init → M: the terminal's master, as SCM_RIGHTS (with a tty; before ready) */

#endif
