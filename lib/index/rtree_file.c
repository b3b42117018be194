/*
 * lib/index/rtree_file.c - .gkidx files: atomic save, mmap open.
 *
 * Layout (all little-endian):
 *   0   magic "GKIDX\x1a\r\n" (the \x1a and \r\n catch text-mode damage)
 *   8   u32 format version (2)        12  u32 header size (128)
 *   16  u64 items                     24  u32 node size  28 u32 levels
 *   32  u64 data offset (128)         40  u64 data size
 *   48  f64 xmin, ymin, xmax, ymax    80  u32 method
 *   84  u32 flags: bit 0 set = 32-bit ids (else 64-bit); others zero
 *   88  u64 file size                 96  u32 CRC-32C of the data
 *   100 zero                          124 u32 CRC-32C of bytes 0..123
 * then the packed part exactly as in memory (index_internal.h), so opening
 * maps the file and queries it in place. The data layout is fully
 * determined by (items, node size); open() recomputes it and accepts the
 * file only if every size and offset agrees, both checksums match and the
 * data is aligned. Queries never trust the node contents for addressing
 * (they mask padding slots by count), so even a file with valid checksums
 * and crafted boxes cannot make a query read outside the mapping.
 *
 * Saving writes a temporary file in the same directory, fsyncs it, renames
 * it over the target and fsyncs the directory: readers see the old or the
 * new index, never a torn one.
 *
 * Versions: 2 stores inner nodes as floats rounded outward (16 bytes per
 * slot); version 1 (geokota 0.1) stored them as doubles (32 bytes), with
 * the same header and the same leaves. A version 1 file is still opened,
 * with the same checks, but it cannot be used in place: its leaves are
 * copied into memory and the inner levels rebuilt from them (a copy the
 * size of the index, about 40 ms for 1M items; the tree reports
 * mapped = false). Saving it again writes version 2, which maps in place.
 */
#define _DEFAULT_SOURCE /* madvise, MADV_POPULATE_READ */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index_internal.h"

#define GKIDX_MAGIC "GKIDX\x1a\r\n"
#define GKIDX_VERSION 2u
#define GKIDX_HEADER 128u

static void put_u32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put_f64(unsigned char *p, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    put_u64(p, v);
}

static uint32_t get_u32(const unsigned char *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static double get_f64(const unsigned char *p)
{
    uint64_t v = get_u64(p);
    double d;
    memcpy(&d, &v, 8);
    return d;
}

static bool host_is_little_endian(void)
{
    const uint32_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

static void make_header(unsigned char *h, const gk_pack_t *p)
{
    memset(h, 0, GKIDX_HEADER);
    memcpy(h, GKIDX_MAGIC, 8);
    put_u32(h + 8, GKIDX_VERSION);
    put_u32(h + 12, GKIDX_HEADER);
    put_u64(h + 16, p->n);
    put_u32(h + 24, p->B);
    put_u32(h + 28, p->nlevels);
    put_u64(h + 32, GKIDX_HEADER);
    put_u64(h + 40, p->bytes);
    put_f64(h + 48, p->bounds.xmin);
    put_f64(h + 56, p->bounds.ymin);
    put_f64(h + 64, p->bounds.xmax);
    put_f64(h + 72, p->bounds.ymax);
    put_u32(h + 80, (uint32_t)p->method);
    put_u32(h + 84, p->idw == 4 ? 1u : 0u);
    put_u64(h + 88, GKIDX_HEADER + (uint64_t)p->bytes);
    put_u32(h + 96, gk_crc32c(0, p->data, p->bytes));
    put_u32(h + 124, gk_crc32c(0, h, 124));
}

static bool write_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    while (len) {
        ssize_t w = write(fd, p, len > (1u << 30) ? (1u << 30) : len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        len -= (size_t)w;
    }
    return true;
}

static void fsync_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash) {
        strcpy(dir, ".");
    } else if ((size_t)(slash - path) < sizeof dir) {
        size_t len = slash == path ? 1 : (size_t)(slash - path);
        memcpy(dir, path, len);
        dir[len] = '\0';
    } else {
        return;
    }
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

static gk_status_t write_pack(gk_context_t *ctx, const gk_pack_t *p,
                              const char *path)
{
    unsigned char h[GKIDX_HEADER];
    make_header(h, p);
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 48);
    if (!tmp)
        return gk_error_nomem(ctx, "a file name");
    /* O_EXCL with mode 0666 (not mkstemp's 0600): the index gets the
     * permissions the umask gives any new file */
    int fd = -1;
    for (unsigned attempt = 0; attempt < 1000 && fd < 0; attempt++) {
        snprintf(tmp, plen + 48, "%s.tmp.%ld.%u", path, (long)getpid(),
                 attempt);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0) {
        gk_status_t st = gk_error(ctx, GK_ERR_IO,
                                  "%s: cannot create a temporary file "
                                  "beside it: %s",
                                  path, strerror(errno));
        free(tmp);
        return st;
    }
    bool good = write_all(fd, h, sizeof h) &&
                (p->bytes == 0 || write_all(fd, p->data, p->bytes)) &&
                fsync(fd) == 0;
    int err = errno;
    if (close(fd) != 0 && good) {
        good = false;
        err = errno;
    }
    if (good && rename(tmp, path) != 0) {
        good = false;
        err = errno;
    }
    if (!good) {
        unlink(tmp);
        free(tmp);
        return gk_error(ctx, GK_ERR_IO, "%s: cannot write the index: %s",
                        path, strerror(err));
    }
    free(tmp);
    fsync_dir(path);
    return GK_OK;
}

gk_status_t gk_rtree_save(gk_context_t *ctx, const gk_rtree_t *tree,
                          const char *path)
{
    if (!tree || !path)
        return gk_error(ctx, GK_ERR_ARG, "gk_rtree_save: NULL tree or path");
    if (tree->nparts == 1 && tree->nbuf == 0 && tree->parts[0]->ndead == 0)
        return write_pack(ctx, tree->parts[0], path);
    /* several parts, removals or a buffer: write a repacked copy */
    gk_box_t *boxes;
    int64_t *ids;
    size_t n;
    gk_status_t st = gk_rtree_gather(ctx, tree, 0, true, &boxes, &ids, &n);
    if (st)
        return st;
    gk_box_t extent;
    gk_rtree_check_boxes(NULL, "save", boxes, n, &extent);
    gk_pack_t *p;
    st = gk_pack_build(ctx, boxes, ids, n, extent, tree->B, tree->method,
                       &p);
    free(boxes);
    free(ids);
    if (st)
        return st;
    st = write_pack(ctx, p, path);
    gk_pack_free(p);
    return st;
}

static gk_status_t bad(gk_context_t *ctx, const char *name, const char *what)
{
    return gk_error(ctx, GK_ERR_FORMAT, "%s: %s", name, what);
}

/* Bytes of a version 1 data block: the same leaves, inner slots of 32. */
static size_t v1_bytes(const gk_pack_t *layout)
{
    size_t bytes = layout->off[1] ? layout->off[1] : layout->bytes;
    for (uint32_t l = 1; l < layout->nlevels; l++)
        bytes += layout->count[l] * 32 * (size_t)layout->B;
    return bytes;
}

static void read_bounds(const unsigned char *d, gk_pack_t *p)
{
    p->bounds.xmin = get_f64(d + 48);
    p->bounds.ymin = get_f64(d + 56);
    p->bounds.xmax = get_f64(d + 64);
    p->bounds.ymax = get_f64(d + 72);
}

/* A checked version 1 image: copy its leaves (identical in version 2) and
 * rebuild the inner levels as version 2 has them. Its own inner levels are
 * never read, so they need not be trusted either. */
static gk_status_t open_v1(gk_context_t *ctx, const unsigned char *d,
                           const gk_pack_t *layout, uint32_t method,
                           gk_rtree_t **out)
{
    gk_rtree_t *t = gk_rtree_alloc(layout->B, (gk_rtree_method_t)method);
    gk_pack_t *p = layout->n ? malloc(sizeof *p) : NULL;
    if (!t || (layout->n && !p)) {
        free(t);
        free(p);
        return gk_error_nomem(ctx, "an R-tree");
    }
    if (p) {
        *p = *layout;
        p->data = gk_huge_alloc(p->bytes, &p->alloc_len);
        if (!p->data) {
            free(t);
            free(p);
            return gk_error_nomem(ctx, "R-tree nodes (converting a version "
                                       "1 index)");
        }
        p->owned = true;
        p->method = t->method;
        read_bounds(d, p);
        size_t leafbytes = p->nlevels > 1 ? p->off[1] : p->bytes;
        memcpy(p->data, d + GKIDX_HEADER, leafbytes);
        for (uint32_t l = 1; l < p->nlevels; l++)
            gk_pack_fill_level(p, l);
        t->parts[t->nparts++] = p;
    }
    *out = t;
    return GK_OK;
}

static gk_status_t wrap(gk_context_t *ctx, const char *name,
                        const unsigned char *d, size_t size,
                        const gk_rtree_open_opts_t *opts, gk_rtree_t **out)
{
    if (size < 8 || memcmp(d, GKIDX_MAGIC, 8) != 0)
        return bad(ctx, name, "not a geokota index (bad magic)");
    if (size < GKIDX_HEADER)
        return gk_error(ctx, GK_ERR_FORMAT,
                        "%s: truncated (%zu bytes, the header alone is %u)",
                        name, size, GKIDX_HEADER);
    if (get_u32(d + 124) != gk_crc32c(0, d, 124))
        return bad(ctx, name, "header checksum mismatch (corrupt file)");
    uint32_t version = get_u32(d + 8);
    if (version != GKIDX_VERSION && version != 1)
        return gk_error(ctx,
                        version > GKIDX_VERSION ? GK_ERR_UNSUPPORTED
                                                : GK_ERR_FORMAT,
                        "%s: format version %u, this geokota reads %u", name,
                        version, GKIDX_VERSION);
    if (!host_is_little_endian())
        return gk_error(ctx, GK_ERR_UNSUPPORTED,
                        "%s: .gkidx files are little-endian and this host "
                        "is not", name);
    uint64_t n = get_u64(d + 16);
    uint32_t B = get_u32(d + 24);
    uint32_t levels = get_u32(d + 28);
    uint32_t method = get_u32(d + 80);
    if (get_u32(d + 12) != GKIDX_HEADER ||
        get_u64(d + 32) != GKIDX_HEADER)
        return bad(ctx, name, "unexpected header size or data offset");
    if (B < GK_RTREE_MIN_NODE || B > GK_RTREE_MAX_NODE || B % 4 ||
        method > GK_RTREE_STR || (get_u32(d + 84) & ~1u) != 0)
        return bad(ctx, name, "bad node size, method or flags");
    gk_pack_t layout;
    memset(&layout, 0, sizeof layout);
    uint32_t idw = (get_u32(d + 84) & 1u) ? 4 : 8;
    if (n > UINT32_MAX || !gk_pack_layout(&layout, (size_t)n, B, idw) ||
        layout.nlevels != levels)
        return bad(ctx, name, "item count, levels and data size disagree");
    /* the bytes the file's version stores for this layout */
    size_t stored = version == 1 ? v1_bytes(&layout) : layout.bytes;
    if (stored != get_u64(d + 40))
        return bad(ctx, name, "item count, levels and data size disagree");
    uint64_t want = GKIDX_HEADER + (uint64_t)stored;
    if (get_u64(d + 88) != want || size < want)
        return gk_error(ctx, GK_ERR_FORMAT,
                        "%s: truncated or wrong size (%zu bytes, header says "
                        "%llu)",
                        name, size, (unsigned long long)get_u64(d + 88));
    if (size != want)
        return gk_error(ctx, GK_ERR_FORMAT,
                        "%s: %zu bytes of trailing data after the index",
                        name, (size_t)(size - want));
    if ((uintptr_t)(d + GKIDX_HEADER) % 8 != 0)
        return gk_error(ctx, GK_ERR_ARG,
                        "%s: index bytes are not 8-byte aligned", name);
    if (!(opts && opts->no_verify) &&
        get_u32(d + 96) != gk_crc32c(0, d + GKIDX_HEADER, stored))
        return bad(ctx, name, "data checksum mismatch (corrupt file)");
    if (version == 1)
        return open_v1(ctx, d, &layout, method, out);

    gk_rtree_t *t = gk_rtree_alloc(B, (gk_rtree_method_t)method);
    gk_pack_t *p = n ? malloc(sizeof *p) : NULL;
    if (!t || (n && !p)) {
        free(t);
        free(p);
        return gk_error_nomem(ctx, "an R-tree");
    }
    if (p) {
        *p = layout;
        p->data = (unsigned char *)(uintptr_t)(d + GKIDX_HEADER);
        p->owned = false;
        p->method = t->method;
        read_bounds(d, p);
        t->parts[t->nparts++] = p;
    }
    *out = t;
    return GK_OK;
}

gk_status_t gk_rtree_open_wrap(gk_context_t *ctx, const void *data,
                               size_t size, const gk_rtree_open_opts_t *opts,
                               gk_rtree_t **out)
{
    if (!out || (size && !data))
        return gk_error(ctx, GK_ERR_ARG,
                        "gk_rtree_open_wrap: NULL data or out");
    return wrap(ctx, "<memory>", data, size, opts, out);
}

/* Every query reads the inner levels (the last ~3% of the file), and a
 * page fault costs 15-30 us on the VMs measured here: map them all at
 * open, in one call (MADV_POPULATE_READ, Linux 5.14; only advice, an older
 * kernel refuses it and the pages fault in as before). A first query then
 * faults on 2 pages instead of 6, and open + first query fell from ~120 to
 * ~100 us on a 1M-box file. */
static void map_inner_levels(const gk_pack_t *p, void *map, size_t size)
{
#ifdef MADV_POPULATE_READ
    if (p->nlevels < 2)
        return;
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t from = (uintptr_t)(p->data + p->off[1]);
    from -= from % (uintptr_t)(page > 0 ? page : 4096);
    madvise((void *)from, (uintptr_t)map + size - from, MADV_POPULATE_READ);
#else
    (void)p;
    (void)map;
    (void)size;
#endif
}

gk_status_t gk_rtree_open(gk_context_t *ctx, const char *path,
                          const gk_rtree_open_opts_t *opts, gk_rtree_t **out)
{
    if (!out || !path)
        return gk_error(ctx, GK_ERR_ARG, "gk_rtree_open: NULL path or out");
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return gk_error(ctx, GK_ERR_IO, "%s: cannot open: %s", path,
                        strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return gk_error(ctx, GK_ERR_IO, "%s: not a regular file", path);
    }
    size_t size = (size_t)st.st_size;
    if (size < GKIDX_HEADER) {
        unsigned char head[GKIDX_HEADER];
        ssize_t got = read(fd, head, sizeof head);
        close(fd);
        return wrap(ctx, path, head, got > 0 ? (size_t)got : 0, opts, out);
    }
    void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
    int err = errno;
    close(fd);
    if (map == MAP_FAILED)
        return gk_error(ctx, GK_ERR_IO, "%s: cannot map: %s", path,
                        strerror(err));
    gk_status_t s = wrap(ctx, path, map, size, opts, out);
    if (s) {
        munmap(map, size);
        return s;
    }
    if ((*out)->nparts && !(*out)->parts[0]->owned) {
        (*out)->map = map;
        (*out)->map_len = size;
        map_inner_levels((*out)->parts[0], map, size);
    } else {
        munmap(map, size);
    }
    return GK_OK;
}
