/*
 * tests/index/test_rtree_file.c - .gkidx save and open: round trips give
 * identical answers, saving is atomic, and truncated, corrupt or foreign
 * files give a clear error (never a crash).
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"

#include "rtree_oracle.h"

static char dir[256];

static const char *path_in(const char *name)
{
    /* one buffer per name used, so earlier paths stay valid */
    static char buf[16][512];
    static int next;
    char *b = buf[next++ % 16];
    snprintf(b, sizeof buf[0], "%s/%s", dir, name);
    return b;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    /* 8-byte aligned, as open_wrap requires */
    unsigned char *b = malloc((size_t)n + 8);
    *len = fread(b, 1, (size_t)n, f);
    fclose(f);
    return b;
}

static void spit(const char *path, const unsigned char *b, size_t len)
{
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, len, f);
    fclose(f);
}

static bool same_answers(const gk_rtree_t *x, const gk_rtree_t *y, int nq)
{
    uint64_t s = 99;
    int64_t a[4096], b[4096];
    double da[10], db[10];
    for (int q = 0; q < nq; q++) {
        gk_box_t w = rand_window(&s, 1000, 100);
        size_t na = gk_rtree_query_box(x, w, a, 4096);
        size_t nb = gk_rtree_query_box(y, w, b, 4096);
        if (!same_ids(a, na, b, nb))
            return false;
        na = gk_rtree_nearest(x, w, 10, NULL, a, da);
        nb = gk_rtree_nearest(y, w, 10, NULL, b, db);
        if (na != nb || memcmp(a, b, na * 8) || memcmp(da, db, na * 8))
            return false;
    }
    return true;
}

static void put32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, 4); /* the test host is little-endian, as .gkidx */
}

static void put64(unsigned char *p, uint64_t v)
{
    memcpy(p, &v, 8);
}

/* A version 1 image of pack p, written from the format's definition:
 * header, the leaves verbatim, then every inner level as doubles (each
 * slot the exact union of its child). */
static unsigned char *v1_image(const gk_pack_t *p, size_t *len)
{
    uint32_t B = p->B;
    size_t leafbytes = p->nlevels > 1 ? p->off[1] : p->bytes;
    size_t data = leafbytes;
    for (uint32_t l = 1; l < p->nlevels; l++)
        data += p->count[l] * 32 * (size_t)B;
    unsigned char *img = calloc(1, 128 + data);
    memcpy(img + 128, p->data, leafbytes);
    /* exact box of every node of the level below, level by level */
    gk_box_t *below = malloc(p->count[0] * sizeof *below);
    for (size_t j = 0; j < p->count[0]; j++) {
        gk_box_t u = gk_box_empty();
        for (uint32_t s = 0; s < B; s++) {
            gk_box_t c = gk_leaf_box(gk_pack_leaf(p, j), B, s);
            u.xmin = fmin(u.xmin, c.xmin);
            u.ymin = fmin(u.ymin, c.ymin);
            u.xmax = fmax(u.xmax, c.xmax);
            u.ymax = fmax(u.ymax, c.ymax);
        }
        below[j] = u;
    }
    size_t at = 128 + leafbytes;
    for (uint32_t l = 1; l < p->nlevels; l++) {
        gk_box_t *mine = malloc(p->count[l] * sizeof *mine);
        for (size_t j = 0; j < p->count[l]; j++) {
            double *nd = (double *)(void *)(img + at + j * 32 * (size_t)B);
            gk_box_t u = gk_box_empty();
            for (uint32_t s = 0; s < B; s++) {
                size_t c = j * B + s;
                gk_box_t e = c < p->count[l - 1] ? below[c] : gk_box_empty();
                nd[s] = e.xmin;
                nd[B + s] = e.ymin;
                nd[2 * B + s] = e.xmax;
                nd[3 * B + s] = e.ymax;
                u.xmin = fmin(u.xmin, e.xmin);
                u.ymin = fmin(u.ymin, e.ymin);
                u.xmax = fmax(u.xmax, e.xmax);
                u.ymax = fmax(u.ymax, e.ymax);
            }
            mine[j] = u;
        }
        at += p->count[l] * 32 * (size_t)B;
        free(below);
        below = mine;
    }
    free(below);
    memcpy(img, "GKIDX\x1a\r\n", 8);
    put32(img + 8, 1);
    put32(img + 12, 128);
    put64(img + 16, p->n);
    put32(img + 24, B);
    put32(img + 28, p->nlevels);
    put64(img + 32, 128);
    put64(img + 40, data);
    memcpy(img + 48, &p->bounds, 32);
    put32(img + 80, (uint32_t)p->method);
    put32(img + 84, p->idw == 4);
    put64(img + 88, 128 + data);
    put32(img + 96, gk_crc32c(0, img + 128, data));
    put32(img + 124, gk_crc32c(0, img, 124));
    *len = 128 + data;
    return img;
}

static size_t count_files(void)
{
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/gk-rtree-file-XXXXXX");
    if (!mkdtemp(dir))
        skip_all("cannot make a temporary directory");
    gk_context_t *ctx;
    gk_context_new(&ctx);

    size_t n = 30000;
    gk_box_t *b = malloc(n * sizeof *b);
    gen_boxes(b, n, DATA_CLUSTERED, 1000, 10, 3);
    gk_rtree_t *t, *u;
    gk_rtree_opts_t o = {32, GK_RTREE_STR};
    gk_rtree_build(ctx, b, NULL, n, &o, &t);
    const char *p = path_in("roads.gkidx");
    is_int(gk_rtree_save(ctx, t, p), GK_OK, "save");
    ok(count_files() == 1, "no temporary file left beside the index");
    struct stat st;
    stat(p, &st);
    gk_rtree_info_t it = gk_rtree_info(t);
    ok((size_t)st.st_size == 128 + it.memory_bytes,
       "file = 128-byte header + the nodes verbatim (%lld bytes)",
       (long long)st.st_size);
    is_int(gk_rtree_open(ctx, p, NULL, &u), GK_OK, "open");
    gk_rtree_info_t iu = gk_rtree_info(u);
    ok(iu.mapped && iu.num_items == n && iu.node_size == 32 &&
           iu.method == GK_RTREE_STR && iu.bounds.xmin == it.bounds.xmin &&
           iu.bounds.ymax == it.bounds.ymax,
       "opened tree is mapped and keeps count, node size, method, bounds");
    ok(same_answers(t, u, 200), "opened tree answers exactly as the original");

    /* a version 1 file (double inner nodes) still opens: converted */
    size_t v1len;
    unsigned char *v1 = v1_image(t->parts[0], &v1len);
    ok(v1len > (size_t)st.st_size - 128,
       "version 1 image is larger (%zu bytes)",
       v1len);
    const char *pv1 = path_in("old.gkidx");
    spit(pv1, v1, v1len);
    gk_rtree_t *o1;
    is_int(gk_rtree_open(ctx, pv1, NULL, &o1), GK_OK, "open a version 1 file");
    ok(!gk_rtree_info(o1).mapped && gk_rtree_info(o1).num_items == n,
       "it is converted in memory (not mapped), all items kept");
    ok(same_answers(t, o1, 200), "and answers exactly as the original");
    v1[128 + 4 * 32 * 10] ^= 1; /* a leaf byte */
    gk_rtree_t *o2 = NULL;
    is_int(gk_rtree_open_wrap(ctx, v1, v1len, NULL, &o2), GK_ERR_FORMAT,
           "a damaged version 1 image fails its checksum");
    gk_rtree_free(o1);
    free(v1);

    /* changing an opened tree copies the touched part first */
    bool removed;
    gk_rtree_remove(ctx, u, 5, b[5], &removed);
    gk_box_t nb = {1, 2, 3, 4};
    gk_rtree_insert(ctx, u, nb, -7);
    int64_t got[8];
    size_t c = gk_rtree_query_point(u, 2, 3, got, 8);
    bool has_new = false;
    for (size_t i = 0; i < c && i < 8; i++)
        has_new |= got[i] == -7;
    iu = gk_rtree_info(u);
    ok(removed && has_new && !iu.mapped && iu.num_items == n,
       "remove and insert on an opened tree work (copy on write)");
    /* save a churned tree: written repacked */
    const char *p2 = path_in("churned.gkidx");
    is_int(gk_rtree_save(ctx, u, p2), GK_OK, "save a tree with buffer and "
                                             "removals");
    gk_rtree_t *w;
    is_int(gk_rtree_open(ctx, p2, NULL, &w), GK_OK, "reopen it");
    ok(same_answers(u, w, 100) && gk_rtree_info(w).num_parts == 1,
       "the reopened tree is one part with the same answers");
    gk_rtree_free(w);
    gk_rtree_free(u);

    /* overwrite is atomic: the old file stays valid until rename */
    is_int(gk_rtree_save(ctx, t, p2), GK_OK, "overwrite an existing index");
    is_int(gk_rtree_open(ctx, p2, NULL, &w), GK_OK, "and open it");
    ok(same_answers(t, w, 50), "overwritten file holds the new tree");
    gk_rtree_free(w);

    /* ids beyond 32 bits take 8 bytes, in memory and in the file */
    int64_t *big = malloc(n * sizeof *big);
    for (size_t i = 0; i < n; i++)
        big[i] = ((int64_t)1 << 40) + (int64_t)i * 3;
    gk_rtree_t *tb, *ob;
    gk_rtree_build(ctx, b, big, n, NULL, &tb);
    gk_rtree_build(ctx, b, NULL, n, NULL, &ob);
    const char *pb = path_in("big.gkidx");
    is_int(gk_rtree_save(ctx, tb, pb), GK_OK, "save a tree with 64-bit ids");
    is_int(gk_rtree_open(ctx, pb, NULL, &w), GK_OK, "open it");
    gk_box_t win = {100, 100, 300, 300};
    int64_t ga[4096], gb[4096];
    size_t na = gk_rtree_query_box(w, win, ga, 4096);
    size_t nb2 = gk_rtree_query_box(ob, win, gb, 4096);
    bool ids_ok = na == nb2 && na > 10;
    for (size_t i = 0; ids_ok && i < na; i++)
        ids_ok = ga[i] - ((int64_t)1 << 40) == gb[i] * 3;
    ok(ids_ok && gk_rtree_info(tb).memory_bytes >
                     gk_rtree_info(ob).memory_bytes + 3 * n,
       "64-bit ids survive the round trip (and cost 4 bytes more per item)");
    gk_rtree_free(w);
    gk_rtree_free(tb);
    gk_rtree_free(ob);
    free(big);
    unlink(pb);

    /* empty tree round trip */
    gk_rtree_t *e;
    gk_rtree_new(ctx, NULL, &e);
    const char *pe = path_in("empty.gkidx");
    gk_rtree_save(ctx, e, pe);
    gk_rtree_free(e);
    is_int(gk_rtree_open(ctx, pe, NULL, &e), GK_OK, "open an empty index");
    gk_box_t all = {-1e9, -1e9, 1e9, 1e9};
    ok(gk_rtree_size(e) == 0 && gk_rtree_query_box(e, all, NULL, 0) == 0,
       "it is empty");
    gk_rtree_free(e);

    /* errors */
    gk_rtree_t *sentinel = (gk_rtree_t *)(uintptr_t)1, *x = sentinel;
    is_int(gk_rtree_open(ctx, path_in("missing.gkidx"), NULL, &x), GK_ERR_IO,
           "missing file is GK_ERR_IO");
    has_str(gk_errmsg(ctx), "missing.gkidx", "message names the path");
    is_int(gk_rtree_save(ctx, t, "/nonexistent-dir/x.gkidx"), GK_ERR_IO,
           "saving into a missing directory is GK_ERR_IO");
    const char *pf = path_in("foreign.gkidx");
    spit(pf, (const unsigned char *)"{\"type\": \"FeatureCollection\"}", 30);
    is_int(gk_rtree_open(ctx, pf, NULL, &x), GK_ERR_FORMAT,
           "a GeoJSON file is GK_ERR_FORMAT");
    has_str(gk_errmsg(ctx), "not a geokota index", "message says foreign");

    size_t len;
    unsigned char *img = slurp(p, &len);
    const char *pc = path_in("corrupt.gkidx");
    int bad = 0;
    /* truncations at many lengths */
    for (size_t cut = 0; cut < len; cut += cut < 256 ? 1 : 4099) {
        spit(pc, img, cut);
        bad += gk_rtree_open(ctx, pc, NULL, &x) != GK_ERR_FORMAT;
    }
    ok(bad == 0 && x == sentinel,
       "every truncation is GK_ERR_FORMAT, out untouched");
    spit(pc, img, 1000);
    gk_rtree_open(ctx, pc, NULL, &x);
    has_str(gk_errmsg(ctx), "truncated", "message says truncated");
    /* every single-byte flip in the header, and some in the data */
    bad = 0;
    for (size_t i = 0; i < len; i += i < 128 ? 1 : 997) {
        img[i] ^= 0x20;
        gk_status_t s = gk_rtree_open_wrap(ctx, img, len, NULL, &x);
        bad += GK_STATUS_PRIMARY(s) != GK_ERR_FORMAT &&
               s != GK_ERR_UNSUPPORTED;
        img[i] ^= 0x20;
    }
    ok(bad == 0, "every flipped byte is detected (header or data checksum)");
    img[5000] ^= 1;
    gk_rtree_open_wrap(ctx, img, len, NULL, &x);
    has_str(gk_errmsg(ctx), "data checksum mismatch", "message says checksum");
    gk_rtree_open_opts_t nv = {true};
    is_int(gk_rtree_open_wrap(ctx, img, len, &nv, &x), GK_OK,
           "no_verify skips the data checksum");
    ok(gk_rtree_query_box(x, all, NULL, 0) <= n, "and queries stay safe");
    gk_rtree_free(x);
    img[5000] ^= 1;
    /* trailing garbage */
    spit(pc, img, len);
    FILE *f = fopen(pc, "ab");
    fputs("junk", f);
    fclose(f);
    is_int(gk_rtree_open(ctx, pc, NULL, &x), GK_ERR_FORMAT,
           "trailing bytes are GK_ERR_FORMAT");
    /* a newer version with a valid header checksum */
    unsigned char hdr[128];
    memcpy(hdr, img, 128);
    hdr[8] = 3;
    uint32_t crc = gk_crc32c(0, hdr, 124);
    memcpy(hdr + 124, &crc, 4);
    memcpy(img, hdr, 128);
    is_int(gk_rtree_open_wrap(ctx, img, len, NULL, &x), GK_ERR_UNSUPPORTED,
           "format version 3 is GK_ERR_UNSUPPORTED");
    has_str(gk_errmsg(ctx), "version 3", "message names the version");
    is_int(gk_rtree_open_wrap(ctx, img + 1, len - 1, NULL, &x), GK_ERR_FORMAT,
           "bytes shifted by one are foreign");
    free(img);

    /* crafted: valid checksums over garbage boxes never crash queries */
    gk_rtree_t *small;
    gk_rtree_build(ctx, b, NULL, 2000, NULL, &small);
    const char *ps = path_in("small.gkidx");
    gk_rtree_save(ctx, small, ps);
    gk_rtree_free(small);
    img = slurp(ps, &len);
    uint64_t s = 1;
    for (size_t i = 128; i < len; i += 8) {
        double v = (rng_next(&s) & 3) == 0 ? NAN
                   : (rng_next(&s) & 3) == 1 ? -INFINITY
                                             : rng_unit(&s) * 2000 - 500;
        memcpy(img + i, &v, 8);
    }
    crc = gk_crc32c(0, img + 128, len - 128);
    memcpy(img + 96, &crc, 4);
    crc = gk_crc32c(0, img, 124);
    memcpy(img + 124, &crc, 4);
    is_int(gk_rtree_open_wrap(ctx, img, len, NULL, &x), GK_OK,
           "garbage nodes with valid checksums open");
    int64_t ids[64];
    double d[64];
    gk_rtree_query_box(x, all, ids, 64);
    gk_rtree_query_within(x, all, 5, ids, 64);
    gk_rtree_nearest(x, all, 64, NULL, ids, d);
    gk_hits_t *h;
    gk_rtree_join(ctx, x, x, &h);
    gk_hits_free(h);
    ok(1, "and queries, kNN and a self-join on them stay in bounds");
    gk_rtree_free(x);
    free(img);

    gk_rtree_free(t);
    free(b);
    gk_context_free(ctx);
    /* clean up */
    const char *names[] = {"roads.gkidx",   "churned.gkidx", "empty.gkidx",
                           "foreign.gkidx", "corrupt.gkidx", "small.gkidx",
                           "old.gkidx"};
    for (size_t i = 0; i < 7; i++)
        unlink(path_in(names[i]));
    rmdir(dir);
    return done_testing();
}
