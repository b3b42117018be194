/*
 * tests/index/test_rtree_dynamic.c - inserts, removals and updates against a
 * brute-force mirror: thousands of random operations, every query type
 * checked along the way, then repack; plus batches and joins against brute
 * force, on static and churned trees.
 */
#include "tap.h"

#include "rtree_oracle.h"

typedef struct mirror {
    gk_box_t *b;
    int64_t *id;
    size_t n;
} mirror_t;

static void mirror_remove(mirror_t *m, size_t i)
{
    m->n--;
    m->b[i] = m->b[m->n];
    m->id[i] = m->id[m->n];
}

static int check_against(const gk_rtree_t *t, const mirror_t *m, uint64_t *s,
                         int nq)
{
    int bad = 0;
    int64_t *got = malloc((m->n + 1) * sizeof *got);
    int64_t *want = malloc((m->n + 1) * sizeof *want);
    dist_id_t *all = malloc((m->n + 1) * sizeof *all);
    bad += gk_rtree_size(t) != m->n;
    for (int q = 0; q < nq; q++) {
        gk_box_t w = rand_window(s, 1000, 80);
        size_t ng = gk_rtree_query_box(t, w, got, m->n + 1);
        size_t nw = brute_query(m->b, m->id, m->n, w, -1, want);
        bad += !same_ids(got, ng, want, nw);
        ng = gk_rtree_query_within(t, w, 10, got, m->n + 1);
        nw = brute_query(m->b, m->id, m->n, w, 10, want);
        bad += !same_ids(got, ng, want, nw);
        int64_t kid[8];
        double kd[8];
        size_t nk = gk_rtree_nearest(t, w, 8, NULL, kid, kd);
        brute_knn(m->b, m->id, m->n, w, all);
        bad += nk != (m->n < 8 ? m->n : 8);
        for (size_t i = 0; i < nk; i++)
            bad += kid[i] != all[i].id || kd[i] != all[i].d;
    }
    free(got);
    free(want);
    free(all);
    return bad;
}

static void test_churn(gk_rtree_t *t, mirror_t *m, uint64_t seed,
                       const char *what)
{
    gk_context_t *ctx;
    gk_context_new(&ctx);
    uint64_t s = seed;
    int bad = 0, fails = 0;
    int64_t next_id = 1000000;
    for (int op = 0; op < 12000; op++) {
        uint64_t r = rng_next(&s) % 10;
        if (r < 5 || m->n == 0) {
            gk_box_t b;
            gen_boxes(&b, 1, DATA_UNIFORM, 1000, 15, rng_next(&s));
            fails += gk_rtree_insert(ctx, t, b, next_id) != GK_OK;
            m->b[m->n] = b;
            m->id[m->n++] = next_id++;
        } else if (r < 8) {
            size_t i = (size_t)(rng_next(&s) % m->n);
            bool removed = false;
            fails += gk_rtree_remove(ctx, t, m->id[i], m->b[i], &removed) !=
                     GK_OK;
            bad += !removed;
            mirror_remove(m, i);
        } else {
            size_t i = (size_t)(rng_next(&s) % m->n);
            gk_box_t nb;
            gen_boxes(&nb, 1, DATA_CLUSTERED, 1000, 15, rng_next(&s));
            bool found = false;
            fails += gk_rtree_update(ctx, t, m->id[i], m->b[i], nb, &found) !=
                     GK_OK;
            bad += !found;
            m->b[i] = nb;
        }
        if (op % 1000 == 999)
            bad += check_against(t, m, &s, 10);
    }
    bool removed = true;
    gk_box_t nowhere = {-5, -5, -4, -4};
    gk_rtree_remove(ctx, t, 42424242, nowhere, &removed);
    ok(fails == 0 && bad == 0 && !removed,
       "%s: 12000 random inserts/removes/updates, queries equal brute force",
       what);
    gk_rtree_info_t info = gk_rtree_info(t);
    ok(info.num_parts <= 12,
       "%s: %zu packed parts, %zu buffered, %zu removed slots", what,
       info.num_parts, info.num_buffered, info.num_removed);
    ok(gk_rtree_repack(ctx, t) == GK_OK, "%s: repack", what);
    info = gk_rtree_info(t);
    ok(info.num_parts == (m->n ? 1u : 0u) && info.num_buffered == 0 &&
           info.num_removed == 0 && info.num_items == m->n,
       "%s: after repack one part, nothing buffered or removed", what);
    ok(check_against(t, m, &s, 50) == 0,
       "%s: queries after repack equal brute force", what);
    gk_context_free(ctx);
}

static void test_dynamic(void)
{
    mirror_t m;
    m.b = malloc(30000 * sizeof *m.b);
    m.id = malloc(30000 * sizeof *m.id);
    m.n = 0;
    gk_rtree_t *t;
    gk_rtree_new(NULL, NULL, &t);
    test_churn(t, &m, 11, "empty start");
    gk_rtree_free(t);

    /* start from a bulk-loaded tree of 5000 and churn it */
    m.n = 5000;
    gen_boxes(m.b, m.n, DATA_CLUSTERED, 1000, 15, 12);
    for (size_t i = 0; i < m.n; i++)
        m.id[i] = (int64_t)i;
    gk_rtree_opts_t o = {8, GK_RTREE_STR};
    gk_rtree_build(NULL, m.b, m.id, m.n, &o, &t);
    test_churn(t, &m, 13, "bulk start (STR, B=8)");

    /* remove everything: the tree ends empty */
    int bad = 0;
    while (m.n) {
        bool removed;
        gk_rtree_remove(NULL, t, m.id[m.n - 1], m.b[m.n - 1], &removed);
        bad += !removed;
        m.n--;
    }
    gk_rtree_info_t info = gk_rtree_info(t);
    gk_box_t all = {-1e9, -1e9, 1e9, 1e9};
    ok(bad == 0 && info.num_items == 0 &&
           gk_rtree_query_box(t, all, NULL, 0) == 0,
       "removing every item leaves an empty tree");
    gk_box_t bad_box = {1, 1, 0, 0};
    gk_context_t *ctx;
    gk_context_new(&ctx);
    is_int(gk_rtree_insert(ctx, t, bad_box, 1), GK_ERR_INPUT_VALUE,
           "insert of an inverted box fails");
    ok(gk_rtree_size(t) == 0, "and changes nothing");
    gk_context_free(ctx);
    gk_rtree_free(t);
    free(m.b);
    free(m.id);
}

static void test_batch_join(void)
{
    size_t na = 6000, nb = 4000;
    gk_box_t *a = malloc(na * sizeof *a), *b = malloc(nb * sizeof *b);
    gen_boxes(a, na, DATA_CLUSTERED, 1000, 12, 21);
    gen_boxes(b, nb, DATA_UNIFORM, 1000, 12, 22);
    int64_t *ida = malloc(na * sizeof *ida);
    for (size_t i = 0; i < na; i++)
        ida[i] = (int64_t)i + 100000;
    gk_rtree_t *ta, *tb;
    gk_rtree_build(NULL, a, ida, na, NULL, &ta);
    gk_rtree_opts_t o = {4, GK_RTREE_STR};
    gk_rtree_build(NULL, b, NULL, nb, &o, &tb);

    /* batch of windows = one query per window */
    size_t nq = 300;
    gk_box_t *w = malloc(nq * sizeof *w);
    uint64_t s = 5;
    for (size_t i = 0; i < nq; i++)
        w[i] = rand_window(&s, 1000, 120);
    gk_hits_t *h;
    ok(gk_rtree_query_box_batch(NULL, ta, w, nq, &h) == GK_OK, "batch");
    gk_hits_view_t v = gk_hits_view(h);
    int bad = v.num_queries != nq || v.offsets[0] != 0 || v.ids_b != NULL;
    int64_t *one = malloc(na * sizeof *one);
    for (size_t i = 0; i < nq && !bad; i++) {
        size_t c = gk_rtree_query_box(ta, w[i], one, na);
        bad += (size_t)(v.offsets[i + 1] - v.offsets[i]) != c ||
               memcmp(one, v.ids + v.offsets[i], c * sizeof *one) != 0;
    }
    ok(bad == 0 && v.num_ids == (size_t)v.offsets[nq],
       "batch: CSR offsets and ids equal single queries (%zu hits)",
       v.num_ids);
    gk_hits_free(h);

    /* join against brute force: pairs as (a, b) sorted */
    ok(gk_rtree_join(NULL, ta, tb, &h) == GK_OK, "join");
    v = gk_hits_view(h);
    size_t want = 0;
    for (size_t i = 0; i < na; i++)
        for (size_t k = 0; k < nb; k++)
            want += gk_box_hits(a[i], b[k]);
    int64_t *pairs = malloc((v.num_ids + 1) * sizeof *pairs);
    for (size_t i = 0; i < v.num_ids; i++)
        pairs[i] = (v.ids[i] - 100000) * 1000000 + v.ids_b[i];
    sort_ids(pairs, v.num_ids);
    bad = v.num_ids != want;
    for (size_t i = 0; !bad && i < v.num_ids; i++) {
        int64_t pa = pairs[i] / 1000000, pb = pairs[i] % 1000000;
        bad += !gk_box_hits(a[pa], b[pb]) || (i && pairs[i] == pairs[i - 1]);
    }
    ok(bad == 0 && want > 100,
       "join: %zu pairs, exactly the brute-force set (no duplicates)", want);
    gk_hits_free(h);

    /* join with buffered and removed items on both sides */
    gk_box_t extra = {500, 500, 520, 520};
    gk_rtree_insert(NULL, ta, extra, -1);
    gk_rtree_insert(NULL, tb, extra, -2);
    bool removed;
    gk_rtree_remove(NULL, ta, ida[0], a[0], &removed);
    gk_rtree_join(NULL, ta, tb, &h);
    v = gk_hits_view(h);
    size_t want2 = 0;
    for (size_t i = 1; i < na + 1; i++) {
        gk_box_t ba = i < na ? a[i] : extra;
        for (size_t k = 0; k < nb + 1; k++)
            want2 += gk_box_hits(ba, k < nb ? b[k] : extra);
    }
    bool has_both = false;
    for (size_t i = 0; i < v.num_ids; i++)
        has_both |= v.ids[i] == -1 && v.ids_b[i] == -2;
    ok(removed && v.num_ids == want2 && has_both,
       "join with buffered and removed items: %zu pairs as brute force",
       want2);
    gk_hits_free(h);

    /* self join: every item pairs with itself at least */
    gk_rtree_join(NULL, tb, tb, &h);
    v = gk_hits_view(h);
    size_t self = 0;
    for (size_t i = 0; i < v.num_ids; i++)
        self += v.ids[i] == v.ids_b[i];
    ok(self == nb + 1, "self join contains every item paired with itself");
    gk_hits_free(h);

    gk_rtree_t *empty;
    gk_rtree_new(NULL, NULL, &empty);
    gk_rtree_join(NULL, ta, empty, &h);
    ok(gk_hits_view(h).num_ids == 0, "join with an empty tree is empty");
    gk_hits_free(h);
    gk_context_t *ctx;
    gk_context_new(&ctx);
    is_int(gk_rtree_join(ctx, ta, NULL, &h), GK_ERR_ARG,
           "join with NULL is GK_ERR_ARG");
    gk_context_free(ctx);
    gk_rtree_free(empty);
    free(pairs);
    free(one);
    free(w);
    free(a);
    free(b);
    free(ida);
    gk_rtree_free(ta);
    gk_rtree_free(tb);
}

int main(void)
{
    test_dynamic();
    test_batch_join();
    return done_testing();
}
