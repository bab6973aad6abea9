/* The container's filesystem: mounts, device nodes and symlinks inside the rootfs, pivot_root,
 * then sysctls, masked and read-only paths and the read-only rootfs.
 *
 * Every path inside the container is resolved with openat2(RESOLVE_IN_ROOT) against the rootfs
 * and the result is used through its fd (/proc/self/fd/N), so a symlink planted in the image
 * (e.g. /escape -> /etc on the host) resolves inside the rootfs and a later swap of a path
 * component cannot redirect a mount (CVE-2021-30465 class). */
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#define PROPAGATION (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)

struct fdpath { char s[40]; };
static struct fdpath fdp(int fd) { struct fdpath p; snprintf(p.s, sizeof(p.s), "/proc/self/fd/%d", fd); return p; }

static int openat2_in(int rootfd, const char *path, int oflags, unsigned long long resolve) {
  struct open_how how = { .flags = (unsigned long long)(oflags | O_CLOEXEC), .mode = 0, .resolve = RESOLVE_IN_ROOT | resolve };
  return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

/* Splits "/a/b/c" into its parent "/a/b" and "c" (in buf); fails for "/", "." and "..". */
static int split_path(const char *path, char *parent, size_t plen, const char **base, struct shim_error *e, const char *step) {
  const char *slash = strrchr(path, '/');
  size_t n;
  if (!slash || !slash[1] || !strcmp(slash + 1, ".") || !strcmp(slash + 1, ".."))
    return shim_fail(e, step, EINVAL, "%s: not a path to a file or directory", path);
  n = (size_t)(slash - path);
  if (n + 2 > plen) return shim_fail(e, step, ENAMETOOLONG, "%s: path too long", path);
  memcpy(parent, path, n);
  parent[n ? n : 1] = '\0';
  if (!n) parent[0] = '/';
  *base = slash + 1;
  return 0;
}

/* mkdir -p inside the rootfs, like securejoin's MkdirAll: the path is walked one component at a
 * time, symlinks (also dangling ones, e.g. /abs -> /somewhere) are expanded by hand relative to
 * the container's root, and only single names are created in a directory we resolved in root.
 * `cur` always holds a symlink-free path from the root, so nothing can point outside. */
#define MAX_SYMLINKS 40
static int mkdir_all_in(int rootfd, const char *path, struct shim_error *e, const char *step) {
  char cur[4096] = "", rest[8192], link[4096];
  int links = 0;
  if (strlen(path) >= sizeof(cur)) return shim_fail(e, step, ENAMETOOLONG, "mkdir %s: path too long", path);
  snprintf(rest, sizeof(rest), "%s", path);
  while (rest[0]) {
    char *comp = rest, *slash;
    while (*comp == '/') comp++;
    if (!*comp) break;
    slash = strchr(comp, '/');
    size_t clen = slash ? (size_t)(slash - comp) : strlen(comp);
    char name[256];
    if (clen >= sizeof(name)) return shim_fail(e, step, ENAMETOOLONG, "mkdir %s: component too long", path);
    memcpy(name, comp, clen);
    name[clen] = '\0';
    memmove(rest, comp + clen, strlen(comp + clen) + 1);
    if (!strcmp(name, ".")) continue;
    if (!strcmp(name, "..")) { char *last = strrchr(cur, '/'); if (last) *last = '\0'; continue; }
    int dirfd = openat2_in(rootfd, cur[0] ? cur : "/", O_PATH | O_DIRECTORY, 0);
    if (dirfd < 0) return shim_fail_errno(e, step, errno, "open %s in rootfs", cur[0] ? cur : "/");
    ssize_t n = readlinkat(dirfd, name, link, sizeof(link) - 1);
    if (n >= 0) {
      close(dirfd);
      link[n] = '\0';
      if (++links > MAX_SYMLINKS) return shim_fail(e, step, ELOOP, "mkdir %s in rootfs: too many symlinks", path);
      if (strlen(link) + strlen(rest) + 2 >= sizeof(rest)) return shim_fail(e, step, ENAMETOOLONG, "mkdir %s: path too long", path);
      if (link[0] == '/') cur[0] = '\0'; /* absolute: from the container's root, not the host's */
      /* rest = link + "/" + rest (length checked above) */
      size_t ll = strlen(link);
      memmove(rest + ll + 1, rest, strlen(rest) + 1);
      memcpy(rest, link, ll);
      rest[ll] = '/';
      continue;
    }
    if (errno == ENOENT && mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST) {
      int err = errno;
      close(dirfd);
      return shim_fail_errno(e, step, err, "mkdir %s/%s in rootfs", cur, name);
    }
    close(dirfd);
    if (strlen(cur) + clen + 2 >= sizeof(cur)) return shim_fail(e, step, ENAMETOOLONG, "mkdir %s: path too long", path);
    strcat(cur, "/");
    strcat(cur, name);
  }
  /* Whatever was created, the result must be a directory inside the root. */
  int fd = openat2_in(rootfd, cur[0] ? cur : "/", O_PATH | O_DIRECTORY, 0);
  if (fd < 0) return shim_fail_errno(e, step, errno, "open %s in rootfs", path);
  close(fd);
  return 0;
}

/* Opens the parent directory of path inside the rootfs (creating it), returning the base name. */
static int open_parent_in(int rootfd, const char *path, const char **base, struct shim_error *e, const char *step) {
  char parent[4096];
  if (split_path(path, parent, sizeof(parent), base, e, step) || mkdir_all_in(rootfd, parent, e, step)) return -1;
  int fd = openat2_in(rootfd, parent, O_PATH | O_DIRECTORY, 0);
  if (fd < 0) return shim_fail_errno(e, step, errno, "open %s in rootfs", parent);
  return fd;
}

/* Resolves a mount target in the rootfs, creating it as a dir or an empty file when asked. */
static int open_target(int rootfd, const char *target, const char *create, unsigned long long resolve, struct shim_error *e) {
  int fd = openat2_in(rootfd, target, O_PATH, resolve);
  if (fd >= 0) return fd;
  if (errno != ENOENT || !create[0]) return shim_fail_errno(e, "mount", errno, "open mount target %s in rootfs", target);
  if (!strcmp(create, "dir")) {
    if (mkdir_all_in(rootfd, target, e, "mount")) return -1;
  } else {
    const char *base;
    int pfd = open_parent_in(rootfd, target, &base, e, "mount");
    if (pfd < 0) return -1;
    int f = openat(pfd, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    int err = errno;
    close(pfd);
    if (f < 0 && err != EEXIST) return shim_fail_errno(e, "mount", err, "create mount target %s in rootfs", target);
    if (f >= 0) close(f);
  }
  fd = openat2_in(rootfd, target, O_PATH, resolve);
  if (fd < 0) return shim_fail_errno(e, "mount", errno, "open mount target %s in rootfs", target);
  return fd;
}

/* The flags of the mount an fd is on, as MS_* bits (ST_RELATIME differs from MS_RELATIME). */
static unsigned long mount_flags_of(int fd) {
  struct statvfs sv;
  unsigned long f = 0;
  if (fstatvfs(fd, &sv) < 0) return 0;
  if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  if (sv.f_flag & ST_NOATIME) f |= MS_NOATIME;
  if (sv.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
  if (sv.f_flag & ST_RELATIME) f |= MS_RELATIME;
  return f;
}

/* Bind remount with new flags. A bind of a mount whose nosuid/nodev/noexec are locked (user
 * namespace) must keep them: retry with the current flags added, as runc does. */
static int remount_bind(int fd, const char *what, unsigned long flags, const char *step, struct shim_error *e) {
  unsigned long f = MS_BIND | MS_REMOUNT | (flags & ~(PROPAGATION | MS_REC | MS_BIND | MS_REMOUNT));
  if (mount(NULL, fdp(fd).s, NULL, f, NULL) == 0) return 0;
  if (errno == EPERM && mount(NULL, fdp(fd).s, NULL, f | mount_flags_of(fd), NULL) == 0) return 0;
  return shim_fail_errno(e, step, errno, "mount remount %s flags 0x%lx", what, f);
}

static int is_bind_mount(const struct plan_mount *m) { return m->fstype[0] == '\0' || (m->flags & MS_BIND) != 0; }

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x04
#define MOVE_MOUNT_T_EMPTY_PATH 0x40
#endif

/* In M, before init is cloned, for a container with a new user namespace: a detached copy of
 * every bind source (open_tree OPEN_TREE_CLONE), which init moves into place (do_mount). Init's
 * mapped root may not search the directories above a source (berth's own /etc files sit in its
 * state directory, 0700 to others), so it could not open the path itself; runc passes such
 * sources in from the host too. Without open_tree (kernel < 5.2) init binds by path, as before. */
int rootfs_clone_sources(struct plan *p, struct shim_error *e) {
  if (!p->ns[NS_USER].wanted) return 0;
  for (size_t i = 0; i < p->n_mounts; i++) {
    struct plan_mount *m = &p->mounts[i];
    if (!is_bind_mount(m)) continue;
    unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | ((m->flags & MS_REC) ? AT_RECURSIVE : 0);
    m->tree_fd = (int)syscall(SYS_open_tree, AT_FDCWD, m->source, flags);
    if (m->tree_fd < 0 && errno == ENOSYS) return 0;
    if (m->tree_fd < 0) return shim_fail_errno(e, "mount", errno, "open_tree bind source %s", m->source);
  }
  return 0;
}

/* M's copies, once init has its own. */
void rootfs_close_sources(struct plan *p) {
  for (size_t i = 0; i < p->n_mounts; i++) {
    if (p->mounts[i].tree_fd >= 0) close(p->mounts[i].tree_fd);
    p->mounts[i].tree_fd = -1;
  }
}

static int bind_source(const struct plan_mount *m, int tfd, struct shim_error *e) {
  if (m->tree_fd >= 0) {
    if (syscall(SYS_move_mount, m->tree_fd, "", tfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
      return shim_fail_errno(e, "mount", errno, "move_mount bind source %s on %s", m->source, m->target);
    return 0;
  }
  int sfd = open(m->source, O_PATH | O_CLOEXEC);
  if (sfd < 0) return shim_fail_errno(e, "mount", errno, "open bind source %s", m->source);
  int rc = mount(fdp(sfd).s, fdp(tfd).s, NULL, MS_BIND | (m->flags & MS_REC), NULL);
  close(sfd);
  return rc < 0 ? shim_fail_errno(e, "mount", errno, "mount bind %s on %s", m->source, m->target) : 0;
}

static int do_mount(int rootfd, const struct plan_mount *m, struct shim_error *e) {
  int is_bind = is_bind_mount(m);
  /* A proc or sysfs mounted over a symlink could redirect writes to LSM files (CVE-2019-19921). */
  unsigned long long resolve = (!strcmp(m->fstype, "proc") || !strcmp(m->fstype, "sysfs")) ? RESOLVE_NO_SYMLINKS : 0;
  int tfd = open_target(rootfd, m->target, m->create, resolve, e), rc = -1;
  if (tfd < 0) return -1;
  if (is_bind) {
    if (bind_source(m, tfd, e)) goto out;
  } else if (mount(m->source, fdp(tfd).s, m->fstype, m->flags & ~(PROPAGATION | MS_REMOUNT), m->data) < 0) {
    shim_fail_errno(e, "mount", errno, "mount %s (%s, data \"%s\") on %s", m->source, m->fstype, m->data, m->target);
    goto out;
  }
  rc = -1;
  close(tfd);
  /* Re-open: the old fd is the dentry under the new mount, the remount must hit the new one. */
  if ((tfd = openat2_in(rootfd, m->target, O_PATH, resolve)) < 0) return shim_fail_errno(e, "mount", errno, "open %s after mount", m->target);
  if ((is_bind && m->remount) && remount_bind(tfd, m->target, m->flags, "mount", e)) goto out;
  if ((m->flags & PROPAGATION) && mount(NULL, fdp(tfd).s, NULL, m->flags & (PROPAGATION | MS_REC), NULL) < 0) {
    shim_fail_errno(e, "mount", errno, "mount propagation 0x%lx on %s", m->flags & PROPAGATION, m->target);
    goto out;
  }
  rc = 0;
out:
  close(tfd);
  return rc;
}

/* In a user namespace mknod is not allowed: bind the host's node of the same path instead,
 * after checking it really is that device. */
static int bind_host_device(int pfd, const char *base, const struct plan_device *d, struct shim_error *e) {
  struct stat st;
  int src = open(d->path, O_PATH | O_CLOEXEC), tfd, rc;
  if (src < 0) return shim_fail_errno(e, "device", errno, "open host device %s", d->path);
  if (fstat(src, &st) < 0 || (d->type == 'c' ? !S_ISCHR(st.st_mode) : !S_ISBLK(st.st_mode)) ||
      major(st.st_rdev) != d->major || minor(st.st_rdev) != d->minor) {
    close(src);
    return shim_fail(e, "device", ENODEV, "bind host device %s: not %c %u:%u", d->path, d->type, d->major, d->minor);
  }
  tfd = openat(pfd, base, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (tfd < 0) { int err = errno; close(src); return shim_fail_errno(e, "device", err, "create %s in rootfs", d->path); }
  rc = mount(fdp(src).s, fdp(tfd).s, NULL, MS_BIND, NULL);
  int err = errno;
  close(src); close(tfd);
  return rc < 0 ? shim_fail_errno(e, "device", err, "mount bind host device %s", d->path) : 0;
}

static int make_device(int rootfd, const struct plan_device *d, struct shim_error *e) {
  const char *base;
  int pfd = open_parent_in(rootfd, d->path, &base, e, "device"), rc = 0;
  mode_t type = d->type == 'c' ? S_IFCHR : S_IFBLK;
  if (pfd < 0) return -1;
  if (mknodat(pfd, base, type | d->mode, makedev(d->major, d->minor)) == 0) {
    if (fchownat(pfd, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
      rc = shim_fail_errno(e, "device", errno, "chown %s to %u:%u", d->path, d->uid, d->gid);
  } else if (errno == EPERM) {
    rc = bind_host_device(pfd, base, d, e);
  } else {
    rc = shim_fail_errno(e, "device", errno, "mknod %s %c %u:%u", d->path, d->type, d->major, d->minor);
  }
  close(pfd);
  return rc;
}

static int make_symlink(int rootfd, const struct plan_symlink *s, struct shim_error *e) {
  const char *base;
  char existing[4096];
  int pfd = open_parent_in(rootfd, s->link, &base, e, "symlink"), rc = 0;
  if (pfd < 0) return -1;
  if (symlinkat(s->target, pfd, base) < 0) {
    int err = errno;
    ssize_t n = err == EEXIST ? readlinkat(pfd, base, existing, sizeof(existing) - 1) : -1;
    if (n >= 0) existing[n] = '\0';
    /* The same link already there (e.g. from the image) is fine; anything else is not. */
    if (n < 0 || strcmp(existing, s->target)) rc = shim_fail_errno(e, "symlink", err, "symlink %s -> %s", s->link, s->target);
  }
  close(pfd);
  return rc;
}

int rootfs_prepare(const struct plan *p, struct shim_error *e) {
  int rootfd;
  /* Slave: nothing we mount propagates to the host; host unmounts still reach us. */
  if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0) return shim_fail_errno(e, "mount", errno, "mount make-rslave /");
  /* pivot_root needs the new root to be a mount point. */
  if (mount(p->rootfs, p->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0) return shim_fail_errno(e, "mount", errno, "mount rbind %s on itself", p->rootfs);
  if ((rootfd = open(p->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) return shim_fail_errno(e, "mount", errno, "open rootfs %s", p->rootfs);
  umask(0); /* device modes and created dirs are exactly what the plan says */
  for (size_t i = 0; i < p->n_mounts; i++) if (do_mount(rootfd, &p->mounts[i], e)) goto fail;
  for (size_t i = 0; i < p->n_devices; i++) if (make_device(rootfd, &p->devices[i], e)) goto fail;
  for (size_t i = 0; i < p->n_symlinks; i++) if (make_symlink(rootfd, &p->symlinks[i], e)) goto fail;
  /* A missing cwd is made, root's and 0755, as runc and crun make it (docker's -w relies on it):
   * after the mounts, so it may lie in one, and before a read-only rootfs is remounted. */
  if (mkdir_all_in(rootfd, p->cwd, e, "cwd")) goto fail;
  umask(022);
  if (fchdir(rootfd) < 0) { shim_fail_errno(e, "pivot_root", errno, "chdir %s", p->rootfs); goto fail; }
  close(rootfd);
  return 0;
fail:
  close(rootfd);
  return -1;
}

/* pivot_root(".", ".") stacks the old root on top of the new one; detaching it leaves no path to
 * the host filesystem (unlike chroot, which can be escaped). */
int rootfs_pivot(struct shim_error *e) {
  if (syscall(SYS_pivot_root, ".", ".") < 0) return shim_fail_errno(e, "pivot_root", errno, "pivot_root . .");
  if (mount(NULL, ".", NULL, MS_REC | MS_SLAVE, NULL) < 0) return shim_fail_errno(e, "pivot_root", errno, "mount make-rslave old root");
  if (umount2(".", MNT_DETACH) < 0) return shim_fail_errno(e, "pivot_root", errno, "umount2 old root");
  if (chdir("/") < 0) return shim_fail_errno(e, "pivot_root", errno, "chdir /");
  return 0;
}

static int sysctl_allowed(const struct plan *p, const char *key) {
  static const char *const ipc[] = { "kernel.shmmax", "kernel.shmall", "kernel.shmmni", "kernel.shm_rmid_forced",
    "kernel.msgmax", "kernel.msgmni", "kernel.msgmnb", "kernel.sem", NULL };
  if (!strncmp(key, "net.", 4)) return p->ns[NS_NET].wanted;
  if (!strncmp(key, "fs.mqueue.", 10)) return p->ns[NS_IPC].wanted;
  for (int i = 0; ipc[i]; i++) if (!strcmp(key, ipc[i])) return p->ns[NS_IPC].wanted;
  if (!strcmp(key, "kernel.hostname") || !strcmp(key, "kernel.domainname")) return p->ns[NS_UTS].wanted;
  return 0;
}

/* Only sysctls of the container's own namespaces: anything else would change the host. */
static int apply_sysctl(const struct plan *p, const struct plan_sysctl *s, struct shim_error *e) {
  char path[512];
  struct statfs sf;
  int fd, n = snprintf(path, sizeof(path), "/proc/sys/%s", s->key);
  if (!sysctl_allowed(p, s->key)) return shim_fail(e, "sysctl", EPERM, "sysctl %s: not isolated by a namespace of this container", s->key);
  if (n < 0 || (size_t)n >= sizeof(path)) return shim_fail(e, "sysctl", ENAMETOOLONG, "sysctl %s: key too long", s->key);
  for (char *c = path + 10; *c; c++) if (*c == '.') *c = '/';
  if ((fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) return shim_fail_errno(e, "sysctl", errno, "open %s", path);
  if (fstatfs(fd, &sf) < 0 || sf.f_type != PROC_SUPER_MAGIC) { close(fd); return shim_fail(e, "sysctl", EXDEV, "open %s: not on procfs", path); }
  if (write_all(fd, s->value, strlen(s->value)) < 0) { int err = errno; close(fd); return shim_fail_errno(e, "sysctl", err, "write %s", path); }
  close(fd);
  return 0;
}

static int mask_path(int rootfd, int nullfd, const char *path, struct shim_error *e) {
  struct stat st;
  int fd = openat2_in(rootfd, path, O_PATH, 0), rc;
  if (fd < 0 && errno == ENOENT) return 0; /* nothing to hide */
  if (fd < 0) return shim_fail_errno(e, "mask", errno, "open %s", path);
  if (fstat(fd, &st) < 0) { int err = errno; close(fd); return shim_fail_errno(e, "mask", err, "stat %s", path); }
  if (S_ISDIR(st.st_mode)) rc = mount("tmpfs", fdp(fd).s, "tmpfs", MS_RDONLY, "nr_blocks=1,nr_inodes=1");
  else rc = mount(fdp(nullfd).s, fdp(fd).s, NULL, MS_BIND, NULL);
  int err = errno;
  close(fd);
  return rc < 0 ? shim_fail_errno(e, "mask", err, "mount %s over %s", S_ISDIR(st.st_mode) ? "tmpfs" : "/dev/null", path) : 0;
}

static int readonly_path(int rootfd, const char *path, struct shim_error *e) {
  int fd = openat2_in(rootfd, path, O_PATH, 0), rc;
  if (fd < 0 && errno == ENOENT) return 0;
  if (fd < 0) return shim_fail_errno(e, "readonly", errno, "open %s", path);
  rc = mount(fdp(fd).s, fdp(fd).s, NULL, MS_BIND | MS_REC, NULL);
  int err = errno;
  close(fd);
  if (rc < 0) return shim_fail_errno(e, "readonly", err, "mount bind %s on itself", path);
  if ((fd = openat2_in(rootfd, path, O_PATH, 0)) < 0) return shim_fail_errno(e, "readonly", errno, "open %s after bind", path);
  rc = remount_bind(fd, path, MS_RDONLY | mount_flags_of(fd), "readonly", e);
  close(fd);
  return rc;
}

/* /dev/null replaced by something else (a symlink, a regular file) would turn a mask into a
 * writable bind of an arbitrary file (CVE-2025-31133): check it is char 1:3. */
static int open_dev_null(int rootfd, struct shim_error *e) {
  struct stat st;
  int fd = openat2_in(rootfd, "/dev/null", O_PATH, RESOLVE_NO_SYMLINKS);
  if (fd < 0) return shim_fail_errno(e, "mask", errno, "open /dev/null");
  if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3)) {
    close(fd);
    return shim_fail(e, "mask", ENODEV, "open /dev/null: not the null device (char 1:3)");
  }
  return fd;
}

int rootfs_finish(const struct plan *p, struct shim_error *e) {
  int rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC), nullfd = -1, rc = -1;
  if (rootfd < 0) return shim_fail_errno(e, "mask", errno, "open /");
  for (size_t i = 0; i < p->n_sysctls; i++) if (apply_sysctl(p, &p->sysctls[i], e)) goto out;
  if (p->n_masked && (nullfd = open_dev_null(rootfd, e)) < 0) goto out;
  for (size_t i = 0; i < p->n_masked; i++) if (mask_path(rootfd, nullfd, p->masked[i], e)) goto out;
  for (size_t i = 0; i < p->n_readonly; i++) if (readonly_path(rootfd, p->readonly[i], e)) goto out;
  if (p->ro_rootfs && remount_bind(rootfd, "/", MS_RDONLY | mount_flags_of(rootfd), "ro_rootfs", e)) goto out;
  rc = 0;
out:
  if (nullfd >= 0) close(nullfd);
  close(rootfd);
  return rc;
}
