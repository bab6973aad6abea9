/* Parses the plan wire format (PLAN.md). Strings are not copied: fields point into the buffer
 * that was read from fd 3, which stays alive as long as the plan. Every rejection names the
 * record (kind and its index in the plan) and what is wrong with it. */
#include "shim.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LAUNCH 1
#define EXEC 2

struct cursor { char *pos, *end; size_t record; };
struct rec { const char *kind; size_t index; char **f; size_t n; };

const char *const ns_names[NS_COUNT] = { "user", "ipc", "uts", "net", "pid", "cgroup", "time", "mnt" };

int plan_read_fd(int fd, char **buf, size_t *len, struct shim_error *e) {
  size_t cap = 4096, n = 0;
  char *b = malloc(cap + 1);
  if (!b) return shim_fail_errno(e, "plan", ENOMEM, "malloc plan buffer");
  for (;;) {
    if (n == cap) {
      if (cap >= MAX_PLAN) { free(b); return shim_fail(e, "plan", EFBIG, "read plan fd %d: larger than %d bytes", fd, MAX_PLAN); }
      char *nb = realloc(b, cap * 2 + 1);
      if (!nb) { free(b); return shim_fail_errno(e, "plan", ENOMEM, "realloc plan buffer"); }
      b = nb; cap *= 2;
    }
    ssize_t r = read(fd, b + n, cap - n);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) { int err = errno; free(b); return shim_fail_errno(e, "plan", err, "read plan fd %d", fd); }
    if (r == 0) break;
    n += (size_t)r;
  }
  b[n] = '\0';
  *buf = b; *len = n;
  return 0;
}

/* Next NUL-terminated token, or NULL when the buffer ends without one. */
static char *next_token(struct cursor *c) {
  if (c->pos >= c->end) return NULL;
  char *nul = memchr(c->pos, '\0', (size_t)(c->end - c->pos));
  if (!nul) return NULL;
  char *tok = c->pos;
  c->pos = nul + 1;
  return tok;
}

static int bad(struct shim_error *e, const struct rec *r, size_t field, const char *why, const char *value) {
  return shim_fail(e, "plan", EINVAL, "plan record #%zu %s field %zu: %s (got \"%.80s\")", r->index, r->kind, field + 1, why, value);
}

static int parse_ull(const struct rec *r, size_t i, unsigned long long max, unsigned long long *out, struct shim_error *e) {
  const char *s = r->f[i];
  char *endp;
  if (*s == '\0' || *s == '-' || *s == '+' || *s == ' ') return bad(e, r, i, "expected a decimal number", s);
  errno = 0;
  unsigned long long v = strtoull(s, &endp, 10);
  if (errno || *endp || v > max) return bad(e, r, i, "expected a decimal number in range", s);
  *out = v;
  return 0;
}

static int parse_uint(const struct rec *r, size_t i, unsigned long long max, unsigned long *out, struct shim_error *e) {
  unsigned long long v;
  if (parse_ull(r, i, max, &v, e)) return -1;
  *out = (unsigned long)v;
  return 0;
}

static int parse_bool(const struct rec *r, size_t i, int *out, struct shim_error *e) {
  if (strcmp(r->f[i], "0") && strcmp(r->f[i], "1")) return bad(e, r, i, "expected 0 or 1", r->f[i]);
  *out = r->f[i][0] == '1';
  return 0;
}

static int parse_hex64(const struct rec *r, size_t i, uint64_t *out, struct shim_error *e) {
  const char *s = r->f[i];
  char *endp;
  if (*s == '\0' || strlen(s) > 16 || strspn(s, "0123456789abcdef") != strlen(s))
    return bad(e, r, i, "expected lowercase hex (at most 64 bits)", s);
  *out = strtoull(s, &endp, 16);
  return 0;
}

static int parse_rlim(const struct rec *r, size_t i, rlim_t *out, struct shim_error *e) {
  unsigned long long v;
  if (!strcmp(r->f[i], "unlimited")) { *out = RLIM_INFINITY; return 0; }
  if (parse_ull(r, i, ULLONG_MAX - 1, &v, e)) return -1;
  *out = (rlim_t)v;
  return 0;
}

static int absolute(const struct rec *r, size_t i, struct shim_error *e) {
  return r->f[i][0] == '/' ? 0 : bad(e, r, i, "expected an absolute path", r->f[i]);
}

/* Appends one zeroed element to a growing array. */
static void *grow(void *arr, size_t *n, size_t size, struct shim_error *e) {
  char *na = realloc(arr, (*n + 1) * size);
  if (!na) { shim_fail_errno(e, "plan", ENOMEM, "realloc plan list"); return NULL; }
  memset(na + *n * size, 0, size);
  (*n)++;
  return na;
}
#define APPEND(arr, n, e) ((arr) = grow((arr), &(n), sizeof(*(arr)), (e)), (arr) ? &(arr)[(n) - 1] : NULL)

static int parse_ns(struct plan *p, const struct rec *r, struct shim_error *e) {
  for (int i = 0; i < NS_COUNT; i++) {
    if (strcmp(r->f[0], ns_names[i])) continue;
    if (p->ns[i].wanted) return bad(e, r, 0, "namespace listed twice", r->f[0]);
    p->ns[i].wanted = 1;
    p->ns[i].path = r->n > 1 && r->f[1][0] ? r->f[1] : NULL;
    if (p->ns[i].path && absolute(r, 1, e)) return -1;
    return 0;
  }
  return bad(e, r, 0, "unknown namespace type (pid net mnt uts ipc cgroup user time)", r->f[0]);
}

static int parse_idmap(struct plan_idmap **maps, size_t *n, const struct rec *r, struct shim_error *e) {
  struct plan_idmap *m = APPEND(*maps, *n, e);
  if (!m) return -1;
  if (parse_uint(r, 0, UINT32_MAX, &m->inner, e) || parse_uint(r, 1, UINT32_MAX, &m->outer, e) ||
      parse_uint(r, 2, UINT32_MAX, &m->size, e)) return -1;
  return m->size ? 0 : bad(e, r, 2, "size must be at least 1", r->f[2]);
}

static int parse_mount(struct plan *p, const struct rec *r, struct shim_error *e) {
  struct plan_mount *m = APPEND(p->mounts, p->n_mounts, e);
  if (!m) return -1;
  m->source = r->f[0]; m->target = r->f[1]; m->fstype = r->f[2]; m->data = r->f[4]; m->create = r->f[5]; m->tree_fd = -1;
  if (absolute(r, 1, e) || parse_uint(r, 3, UINT32_MAX, &m->flags, e) || parse_bool(r, 6, &m->remount, e)) return -1;
  if (strcmp(m->create, "dir") && strcmp(m->create, "file") && strcmp(m->create, ""))
    return bad(e, r, 5, "expected dir, file or empty", m->create);
  if (m->fstype[0] == '\0' && m->source[0] != '/') return bad(e, r, 0, "a bind mount needs an absolute source", m->source);
  return 0;
}

static int parse_device(struct plan *p, const struct rec *r, struct shim_error *e) {
  struct plan_device *d = APPEND(p->devices, p->n_devices, e);
  unsigned long v[5];
  char *endp;
  if (!d) return -1;
  d->path = r->f[0];
  if (absolute(r, 0, e)) return -1;
  if (strcmp(r->f[1], "c") && strcmp(r->f[1], "b")) return bad(e, r, 1, "expected c or b", r->f[1]);
  d->type = r->f[1][0];
  if (parse_uint(r, 2, 0xfff, &v[0], e) || parse_uint(r, 3, 0xfffff, &v[1], e) ||
      parse_uint(r, 5, UINT32_MAX, &v[3], e) || parse_uint(r, 6, UINT32_MAX, &v[4], e)) return -1;
  errno = 0;
  v[2] = strtoul(r->f[4], &endp, 8);
  if (!r->f[4][0] || *endp || errno || v[2] > 07777) return bad(e, r, 4, "expected octal permission bits", r->f[4]);
  d->major = (unsigned)v[0]; d->minor = (unsigned)v[1]; d->mode = (mode_t)v[2]; d->uid = (uid_t)v[3]; d->gid = (gid_t)v[4];
  return 0;
}

static int parse_path_list(const char ***list, size_t *n, const struct rec *r, struct shim_error *e) {
  const char **slot = APPEND(*list, *n, e);
  if (!slot) return -1;
  *slot = r->f[0];
  return absolute(r, 0, e);
}

static int parse_rlimit(struct plan *p, const struct rec *r, struct shim_error *e) {
  struct plan_rlimit *l = APPEND(p->rlimits, p->n_rlimits, e);
  unsigned long res;
  if (!l) return -1;
  if (parse_uint(r, 0, RLIM_NLIMITS - 1, &res, e) || parse_rlim(r, 1, &l->lim.rlim_cur, e) ||
      parse_rlim(r, 2, &l->lim.rlim_max, e)) return -1;
  l->resource = (int)res;
  if (l->lim.rlim_cur > l->lim.rlim_max) return bad(e, r, 1, "soft limit above hard limit", r->f[1]);
  return 0;
}

static int parse_seccomp(struct plan *p, const struct rec *r, struct shim_error *e) {
  const char *s = r->f[0];
  size_t len = strlen(s);
  if (len == 0 || len % 16 || strspn(s, "0123456789abcdef") != len)
    return bad(e, r, 0, "expected lowercase hex of struct sock_filter[] (16 hex digits each)", s);
  p->seccomp_len = len / 2;
  p->seccomp = malloc(p->seccomp_len);
  if (!p->seccomp) return shim_fail_errno(e, "plan", ENOMEM, "malloc seccomp program");
  for (size_t i = 0; i < p->seccomp_len; i++) {
    char byte[3] = { s[2 * i], s[2 * i + 1], 0 };
    p->seccomp[i] = (unsigned char)strtoul(byte, NULL, 16);
  }
  return 0;
}

static int parse_groups(struct plan *p, const struct rec *r, struct shim_error *e) {
  p->groups = calloc(r->n + 1, sizeof(gid_t));
  if (!p->groups) return shim_fail_errno(e, "plan", ENOMEM, "calloc groups");
  for (size_t i = 0; i < r->n; i++) {
    unsigned long g;
    if (parse_uint(r, i, UINT32_MAX - 1, &g, e)) return -1;
    p->groups[i] = (gid_t)g;
  }
  p->n_groups = r->n;
  return 0;
}

static int parse_strv(char ***out, size_t *n, const struct rec *r, struct shim_error *e) {
  *out = calloc(r->n + 1, sizeof(char *));
  if (!*out) return shim_fail_errno(e, "plan", ENOMEM, "calloc %s", r->kind);
  memcpy(*out, r->f, r->n * sizeof(char *));
  *n = r->n;
  return 0;
}

static int parse_user(struct plan *p, const struct rec *r, struct shim_error *e) {
  unsigned long uid, gid;
  if (parse_uint(r, 0, UINT32_MAX - 1, &uid, e) || parse_uint(r, 1, UINT32_MAX - 1, &gid, e)) return -1;
  p->uid = (uid_t)uid; p->gid = (gid_t)gid;
  return 0;
}

static int parse_caps(struct plan *p, const struct rec *r, struct shim_error *e) {
  if (parse_hex64(r, 0, &p->cap_bounding, e) || parse_hex64(r, 1, &p->cap_effective, e) ||
      parse_hex64(r, 2, &p->cap_permitted, e)) return -1;
  if (p->cap_effective & ~p->cap_permitted) return bad(e, r, 1, "effective must be a subset of permitted", r->f[1]);
  if (p->cap_permitted & ~p->cap_bounding) return bad(e, r, 2, "permitted must be a subset of bounding", r->f[2]);
  return 0;
}

static int parse_oom(struct plan *p, const struct rec *r, struct shim_error *e) {
  char *endp;
  long v = strtol(r->f[0], &endp, 10);
  if (!r->f[0][0] || *endp || v < -1000 || v > 1000) return bad(e, r, 0, "expected an integer in -1000..1000", r->f[0]);
  p->has_oom_score_adj = 1;
  p->oom_score_adj = (int)v;
  return 0;
}

static int parse_string(const char **out, const struct rec *r, int must_be_absolute, struct shim_error *e) {
  if (must_be_absolute && absolute(r, 0, e)) return -1;
  if (!must_be_absolute && !r->f[0][0]) return bad(e, r, 0, "must not be empty", r->f[0]);
  *out = r->f[0];
  return 0;
}

/* One row per record kind: which plans accept it, its field count (-1 = any, -2 = at least 1),
 * whether it is a list, and the parser. */
enum kind_id { K_ID, K_STATE_DIR, K_ROOTFS, K_RO_ROOTFS, K_NS, K_UID_MAP, K_GID_MAP, K_HOSTNAME, K_DOMAINNAME, K_MOUNT, K_DEVICE,
  K_SYMLINK, K_MASK, K_READONLY, K_SYSCTL, K_RLIMIT, K_USER, K_GROUPS, K_CAPS, K_NNP, K_SECCOMP, K_OOM,
  K_CGROUP_PROCS, K_CWD, K_ARGS, K_ENV, K_LOG, K_LOG_ROTATE, K_EXIT, K_EXIT_RESERVE, K_START_FIFO, K_INIT_PID, K_STDIO, K_STDIN, K_TTY, K_COUNT };

struct kind { const char *name; int modes; int fields; int list; int required; };

static const struct kind kinds[K_COUNT] = {
  [K_ID] = { "id", LAUNCH | EXEC, 1, 0, LAUNCH | EXEC }, [K_STATE_DIR] = { "state_dir", LAUNCH, 1, 0, LAUNCH },
  [K_ROOTFS] = { "rootfs", LAUNCH | EXEC, 1, 0, LAUNCH }, [K_RO_ROOTFS] = { "ro_rootfs", LAUNCH, 1, 0, 0 },
  [K_NS] = { "ns", LAUNCH | EXEC, 0, 1, 0 }, [K_UID_MAP] = { "uid_map", LAUNCH, 3, 1, 0 },
  [K_GID_MAP] = { "gid_map", LAUNCH, 3, 1, 0 }, [K_HOSTNAME] = { "hostname", LAUNCH, 1, 0, 0 },
  [K_DOMAINNAME] = { "domainname", LAUNCH, 1, 0, 0 },
  [K_MOUNT] = { "mount", LAUNCH, 7, 1, 0 }, [K_DEVICE] = { "device", LAUNCH, 7, 1, 0 },
  [K_SYMLINK] = { "symlink", LAUNCH, 2, 1, 0 }, [K_MASK] = { "mask", LAUNCH, 1, 1, 0 },
  [K_READONLY] = { "readonly", LAUNCH, 1, 1, 0 }, [K_SYSCTL] = { "sysctl", LAUNCH, 2, 1, 0 },
  [K_RLIMIT] = { "rlimit", LAUNCH | EXEC, 3, 1, 0 }, [K_USER] = { "user", LAUNCH | EXEC, 2, 0, LAUNCH | EXEC },
  [K_GROUPS] = { "groups", LAUNCH | EXEC, -1, 0, 0 }, [K_CAPS] = { "caps", LAUNCH | EXEC, 3, 0, LAUNCH | EXEC },
  [K_NNP] = { "no_new_privs", LAUNCH | EXEC, 1, 0, 0 }, [K_SECCOMP] = { "seccomp", LAUNCH | EXEC, 1, 0, 0 },
  [K_OOM] = { "oom_score_adj", LAUNCH, 1, 0, 0 }, [K_CGROUP_PROCS] = { "cgroup_procs", LAUNCH | EXEC, 1, 1, 0 },
  [K_CWD] = { "cwd", LAUNCH | EXEC, 1, 0, LAUNCH | EXEC }, [K_ARGS] = { "args", LAUNCH | EXEC, -2, 0, LAUNCH | EXEC },
  [K_ENV] = { "env", LAUNCH | EXEC, -1, 0, 0 }, [K_LOG] = { "log", LAUNCH, 1, 0, LAUNCH },
  [K_LOG_ROTATE] = { "log_rotate", LAUNCH, 2, 0, 0 },
  [K_EXIT] = { "exit", LAUNCH, 1, 0, LAUNCH }, [K_EXIT_RESERVE] = { "exit_reserve", LAUNCH, 1, 0, 0 },
  [K_START_FIFO] = { "start_fifo", LAUNCH, 1, 0, LAUNCH },
  [K_INIT_PID] = { "init_pid", EXEC, 1, 0, EXEC }, [K_STDIO] = { "stdio", EXEC, 1, 0, EXEC },
  [K_STDIN] = { "stdin", LAUNCH | EXEC, 1, 0, 0 }, [K_TTY] = { "tty", LAUNCH | EXEC, 2, 0, 0 },
};

static int dispatch(struct plan *p, enum kind_id k, const struct rec *r, struct shim_error *e) {
  switch (k) {
  case K_ID: return parse_string(&p->id, r, 0, e);
  case K_STATE_DIR: return parse_string(&p->state_dir, r, 1, e);
  case K_ROOTFS: /* unused by exec (it joins the container's mnt namespace): "" is fine there */
    if (p->is_exec && !r->f[0][0]) return 0;
    return parse_string(&p->rootfs, r, 1, e);
  case K_RO_ROOTFS: return parse_bool(r, 0, &p->ro_rootfs, e);
  case K_NS: return parse_ns(p, r, e);
  case K_UID_MAP: return parse_idmap(&p->uid_maps, &p->n_uid_maps, r, e);
  case K_GID_MAP: return parse_idmap(&p->gid_maps, &p->n_gid_maps, r, e);
  case K_HOSTNAME: return parse_string(&p->hostname, r, 0, e);
  case K_DOMAINNAME: return parse_string(&p->domainname, r, 0, e);
  case K_MOUNT: return parse_mount(p, r, e);
  case K_DEVICE: return parse_device(p, r, e);
  case K_SYMLINK: {
    struct plan_symlink *s = APPEND(p->symlinks, p->n_symlinks, e);
    if (!s) return -1;
    s->target = r->f[0]; s->link = r->f[1];
    return r->f[0][0] ? absolute(r, 1, e) : bad(e, r, 0, "must not be empty", r->f[0]);
  }
  case K_MASK: return parse_path_list(&p->masked, &p->n_masked, r, e);
  case K_READONLY: return parse_path_list(&p->readonly, &p->n_readonly, r, e);
  case K_SYSCTL: {
    struct plan_sysctl *s = APPEND(p->sysctls, p->n_sysctls, e);
    if (!s) return -1;
    s->key = r->f[0]; s->value = r->f[1];
    if (!s->key[0] || strstr(s->key, "..") || strchr(s->key, '/') || s->key[0] == '.')
      return bad(e, r, 0, "expected a sysctl key like net.ipv4.ip_forward", s->key);
    return 0;
  }
  case K_RLIMIT: return parse_rlimit(p, r, e);
  case K_USER: return parse_user(p, r, e);
  case K_GROUPS: return parse_groups(p, r, e);
  case K_CAPS: return parse_caps(p, r, e);
  case K_NNP: return parse_bool(r, 0, &p->no_new_privs, e);
  case K_SECCOMP: return parse_seccomp(p, r, e);
  case K_OOM: return parse_oom(p, r, e);
  case K_CGROUP_PROCS: return parse_path_list(&p->cgroup_procs, &p->n_cgroup_procs, r, e);
  case K_CWD: return parse_string(&p->cwd, r, 1, e);
  case K_ARGS: return parse_strv(&p->args, &p->n_args, r, e);
  case K_ENV: return parse_strv(&p->env, &p->n_env, r, e);
  case K_LOG: return parse_string(&p->log_path, r, 1, e);
  case K_LOG_ROTATE:
    if (parse_uint(r, 0, UINT64_MAX, &p->log_max_bytes, e) || parse_uint(r, 1, 1000, &p->log_max_files, e)) return -1;
    return p->log_max_files >= 1 ? 0 : bad(e, r, 1, "expected at least 1 file", r->f[1]);
  case K_EXIT: return parse_string(&p->exit_path, r, 1, e);
  case K_EXIT_RESERVE: return parse_string(&p->exit_reserve, r, 1, e);
  case K_START_FIFO: return parse_string(&p->start_fifo, r, 1, e);
  case K_INIT_PID: {
    unsigned long pid;
    if (parse_uint(r, 0, INT32_MAX, &pid, e)) return -1;
    p->init_pid = (pid_t)pid;
    return pid > 0 ? 0 : bad(e, r, 0, "expected a pid", r->f[0]);
  }
  case K_STDIO: return parse_string(&p->stdio_socket, r, 1, e);
  case K_STDIN: return parse_bool(r, 0, &p->open_stdin, e);
  case K_TTY: {
    unsigned long rows, cols;
    if (parse_uint(r, 0, UINT16_MAX, &rows, e) || parse_uint(r, 1, UINT16_MAX, &cols, e)) return -1;
    p->tty = 1;
    p->tty_rows = (unsigned short)rows;
    p->tty_cols = (unsigned short)cols;
    return 0;
  }
  case K_COUNT: break;
  }
  return shim_fail(e, "plan", EINVAL, "internal: no parser for %s", r->kind);
}

static int field_count_ok(const struct kind *k, int is_exec, size_t n) {
  if (k->fields == -1) return 1;
  if (k->fields == -2) return n >= 1;
  if (k - kinds == K_NS) return n == (is_exec ? 1u : 2u);
  return n == (size_t)k->fields;
}

/* Reads one record header and its fields; returns 1 at `end`. */
static int read_record(struct cursor *c, struct rec *r, char **fields, struct shim_error *e) {
  char *kind = next_token(c), *count = next_token(c), *endp;
  r->index = ++c->record;
  if (!kind || !count) return shim_fail(e, "plan", EINVAL, "plan record #%zu: truncated (missing the end record)", r->index);
  r->kind = kind;
  errno = 0;
  unsigned long n = strtoul(count, &endp, 10);
  if (!count[0] || *endp || errno || n > 65536)
    return shim_fail(e, "plan", EINVAL, "plan record #%zu %s: bad field count \"%.20s\"", r->index, kind, count);
  if (!strcmp(kind, "end")) {
    if (n != 0) return shim_fail(e, "plan", EINVAL, "plan record #%zu end: expected 0 fields, got %lu", r->index, n);
    if (c->pos != c->end) return shim_fail(e, "plan", EINVAL, "plan: %zu bytes after the end record", (size_t)(c->end - c->pos));
    return 1;
  }
  r->n = n;
  for (size_t i = 0; i < n; i++) {
    fields[i] = next_token(c);
    if (!fields[i]) return shim_fail(e, "plan", EINVAL, "plan record #%zu %s: truncated at field %zu of %lu", r->index, kind, i + 1, n);
  }
  r->f = fields;
  return 0;
}

static int check_plan(const struct plan *p, int mode, const int *seen, struct shim_error *e) {
  for (int k = 0; k < K_COUNT; k++)
    if ((kinds[k].required & mode) && !seen[k]) return shim_fail(e, "plan", EINVAL, "plan: required record %s missing", kinds[k].name);
  if (mode == EXEC) return 0;
  if (!p->ns[NS_MNT].wanted || p->ns[NS_MNT].path)
    return shim_fail(e, "plan", EINVAL, "plan record ns: a launch plan needs a new mnt namespace (pivot_root needs one)");
  if (p->hostname && (!p->ns[NS_UTS].wanted || p->ns[NS_UTS].path))
    return shim_fail(e, "plan", EINVAL, "plan record hostname: needs a new uts namespace (it would rename the host)");
  if (p->domainname && (!p->ns[NS_UTS].wanted || p->ns[NS_UTS].path))
    return shim_fail(e, "plan", EINVAL, "plan record domainname: needs a new uts namespace (it would rename the host's domain)");
  if ((p->n_uid_maps || p->n_gid_maps) && (!p->ns[NS_USER].wanted || p->ns[NS_USER].path))
    return shim_fail(e, "plan", EINVAL, "plan record uid_map/gid_map: needs a new user namespace");
  if (p->ns[NS_USER].wanted && !p->ns[NS_USER].path && (!p->n_uid_maps || !p->n_gid_maps))
    return shim_fail(e, "plan", EINVAL, "plan record ns user: a new user namespace needs uid_map and gid_map records");
  return 0;
}

int plan_parse(char *buf, size_t len, int is_exec, struct plan *p, struct shim_error *e) {
  struct cursor c = { buf, buf + len, 0 };
  int mode = is_exec ? EXEC : LAUNCH, seen[K_COUNT] = { 0 };
  char *magic = next_token(&c), *version = next_token(&c);
  static char *fields[65537];
  memset(p, 0, sizeof(*p));
  p->buf = buf;
  p->is_exec = is_exec;
  if (!magic || strcmp(magic, "BERTHPLAN")) return shim_fail(e, "plan", EINVAL, "plan: missing the BERTHPLAN magic");
  if (!version || strcmp(version, "1")) return shim_fail(e, "plan", EINVAL, "plan: unsupported version \"%.20s\" (this shim reads version 1)", version ? version : "");
  for (;;) {
    struct rec r = { 0 };
    int k, got = read_record(&c, &r, fields, e);
    if (got < 0) return -1;
    if (got == 1) break;
    for (k = 0; k < K_COUNT && strcmp(kinds[k].name, r.kind); k++) {}
    if (k == K_COUNT || !(kinds[k].modes & mode))
      return shim_fail(e, "plan", EINVAL, "plan record #%zu: unknown kind \"%.40s\" in a%s plan", r.index, r.kind, is_exec ? "n exec" : " launch");
    if (!field_count_ok(&kinds[k], is_exec, r.n))
      return shim_fail(e, "plan", EINVAL, "plan record #%zu %s: wrong field count %zu", r.index, r.kind, r.n);
    if (seen[k] && !kinds[k].list) return shim_fail(e, "plan", EINVAL, "plan record #%zu %s: appears twice", r.index, r.kind);
    seen[k] = 1;
    if (dispatch(p, (enum kind_id)k, &r, e)) return -1;
  }
  return check_plan(p, mode, seen, e);
}

void plan_free(struct plan *p) {
  free(p->uid_maps); free(p->gid_maps); free(p->mounts); free(p->devices); free(p->symlinks);
  free(p->masked); free(p->readonly); free(p->sysctls); free(p->rlimits); free(p->cgroup_procs);
  free(p->groups); free(p->seccomp); free(p->args); free(p->env); free(p->buf);
  memset(p, 0, sizeof(*p));
}
