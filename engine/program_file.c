/* program_file.c: stancetag_program_load_file, a saved program loaded in place from a file.
 *
 * A regular file is mapped read-only and the program's arrays point into the mapping, so a
 * load faults in page-cache pages instead of allocating, zeroing and copying the whole
 * program (the cold cost of a 14 MB program is mostly page faults: doc/performance.md).
 * What cannot be mapped (an empty file, a pipe, a file system without mmap) is read into one
 * heap block, which the program adopts the same way.
 */
/* MAP_POPULATE (glibc hides it under plain _POSIX_C_SOURCE) */
#define _DEFAULT_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diag.h"
#include "frontend.h"
#include "program.h"

/* A stream (pipe, character device) is read up to this size; a mapped file has no limit. */
#define MAX_STREAM_PROGRAM ((size_t)1 << 30)

/* Reads fd to its end into *block (g_free). A stream that does not start with the magic
 * number is not read further: /dev/zero must not fill memory. */
static int read_all(int fd, void **block, size_t *len, char **why) {
  size_t cap = 1 << 16, n = 0;
  char *buf = g_try_malloc(cap);
  if (!buf)
    return STANCETAG_ENOMEM;
  for (;;) {
    if (n == cap) {
      if (n > MAX_STREAM_PROGRAM || !stancetag_is_program(buf, n))
        break;
      cap = MIN(cap * 2, MAX_STREAM_PROGRAM + 1);
      char *bigger = g_try_realloc(buf, cap);
      if (!bigger) {
        g_free(buf);
        return STANCETAG_ENOMEM;
      }
      buf = bigger;
    }
    ssize_t got = read(fd, buf + n, cap - n);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0) {
      *why = g_strdup(g_strerror(errno));
      g_free(buf);
      return STANCETAG_EIO;
    }
    if (got == 0)
      break;
    n += (size_t)got;
  }
  if (n > MAX_STREAM_PROGRAM) {
    *why = g_strdup("a stream of more than 1 GiB");
    g_free(buf);
    return STANCETAG_ELIMIT;
  }
  *block = buf;
  *len = n;
  return STANCETAG_OK;
}

/* The bytes of `path`: a read-only private mapping when possible (*mapped = 1), else a heap
 * block. */
static int open_block(const char *path, void **block, size_t *len, int *mapped, char **why) {
  int fd;
  struct stat st;
  int rc = stg_front_open(path, &fd, &st, why);
  if (rc != STANCETAG_OK)
    return rc;
  *mapped = 0;
  if (S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size <= SIZE_MAX) {
    /* MAP_POPULATE maps the page-cache pages in one call: the checksum reads them all
     * anyway, and faulting them in costs ~190 faults for a 14 MB program. */
    int flags = MAP_PRIVATE;
#ifdef MAP_POPULATE
    flags |= MAP_POPULATE;
#endif
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, flags, fd, 0);
    if (m != MAP_FAILED) {
      *block = m;
      *len = (size_t)st.st_size;
      *mapped = 1;
    }
  }
  if (!*mapped) {
    /* A pipe is read to its end: blocking reads from here on. */
    if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
      *why = g_strdup(g_strerror(errno));
      rc = STANCETAG_EIO;
    } else {
      rc = read_all(fd, block, len, why);
    }
  }
  close(fd);
  return rc;
}

int stancetag_program_load_file(const char *path, stancetag_program **program,
                                stancetag_error **error) {
  if (error)
    *error = NULL;
  if (!path || !program)
    return STANCETAG_EINVAL;
  *program = NULL;
  void *block = NULL;
  size_t len = 0;
  int mapped = 0;
  char *why = NULL;
  int rc = open_block(path, &block, &len, &mapped, &why);
  if (rc == STANCETAG_OK)
    rc = stg_prog_adopt(block, len, mapped, program, &why);
  if (rc != STANCETAG_OK && error) {
    stg_diags d;
    stg_diags_init(&d, 1);
    if (rc == STANCETAG_EIO || rc == STANCETAG_ELIMIT)
      stg_diag_plain(&d, rc, STANCETAG_SEVERITY_ERROR, path, "cannot read `%s`: %s", path, why);
    else
      stg_diag_plain(&d, rc, STANCETAG_SEVERITY_ERROR, path, "%s",
                     why ? why : stancetag_strerror(rc));
    *error = stg_diags_take(&d);
  }
  g_free(why);
  return rc;
}
