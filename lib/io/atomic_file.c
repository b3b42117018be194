/*
 * lib/io/atomic_file.c - write a whole file atomically: temp file in the
 * same folder (so rename stays on one file system), fsync, rename.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_internal.h"

gk_status_t gk_write_file_atomic(gk_context_t *ctx, const char *path,
                                 const void *data, size_t n)
{
    if (!path || (!data && n))
        return gk_error(ctx, GK_ERR_ARG, "gk_write_file_atomic: NULL argument");
    size_t len = strlen(path);
    char *tmp = malloc(len + 16);
    if (!tmp)
        return gk_error_nomem(ctx, "a file name");
    snprintf(tmp, len + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return gk_error(ctx, GK_ERR_IO, "%s: cannot create: %s", path,
                        strerror(e));
    }
    const char *p = data;
    size_t left = n;
    int err = 0;
    while (left > 0 && !err) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            err = errno ? errno : EIO;
        else {
            p += w;
            left -= (size_t)w;
        }
    }
    /* mkstemp makes 0600 files; outputs should be readable like any file
     * the user creates, so apply the usual mode under the umask. */
    mode_t mask = umask(0);
    umask(mask);
    if (!err && fchmod(fd, 0666 & ~mask) != 0)
        err = errno;
    if (!err && fsync(fd) != 0)
        err = errno;
    if (close(fd) != 0 && !err)
        err = errno;
    if (!err && rename(tmp, path) != 0)
        err = errno;
    if (err) {
        unlink(tmp);
        free(tmp);
        return gk_error(ctx, GK_ERR_IO, "%s: cannot write: %s", path,
                        strerror(err));
    }
    free(tmp);
    return GK_OK;
}
