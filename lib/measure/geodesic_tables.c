/*
 * lib/measure/geodesic_tables.c - the per-ellipsoid Taylor tables behind the
 * fast geodesic kernels.
 *
 * Method. On the ellipsoid in (longitude l, latitude p) radians the metric is
 * ds^2 = E dp^2 + Gm dl^2 with E = M^2, Gm = (N cos p)^2, M = a(1-e^2)/W^3,
 * N = a/W, W^2 = 1 - e^2 sin^2 p, and the area element is J dl dp with
 * J = M N cos p = a^2 (1-e^2) cos p / W^4. At every node latitude p0 (every
 * GK_NODE_STEP degrees) we expand sin(p0+u) and cos(p0+u) as power series in
 * u, then form W^2, its reciprocal, J, E, Gm, their derivatives and the
 * kernels' coefficient functions by truncated power-series arithmetic
 * (products, a reciprocal by the Newton-free recurrence, termwise
 * derivative and integral). Only a few sin/cos calls per node are made, at
 * creation time; the kernels evaluate short polynomials.
 *
 * Accuracy. The series are computed to NS terms in double; the coefficients
 * are exact to a few ulps of the largest term. The kernels use |u| <= 1.25
 * degree (0.022 rad); the neglected tail of a series truncated at degree K
 * is below (|tan p| + 2) |u|^(K+1) / (K+1)! relative (the Taylor remainder of
 * sin and cos, with W's series converging faster since e^2 < 0.01): for
 * G (K = 8, J to degree 7) at |p| <= 85.25 degrees that is 1e-17, far below
 * the 1e-10 the area bound needs; for E and Gm (K = 6, |u| <= 0.3 degree)
 * 1e-19. Measured against the closed form of G (authalic q function) in
 * long double by tests/measure/test_geodesic_tables.c.
 */
#include <math.h>
#include <string.h>

#include "measure_internal.h"

#define NS 12 /* terms kept while building (degree 11) */

typedef struct series {
    double c[NS];
} series_t;

static series_t s_mul(series_t x, series_t y)
{
    series_t r;
    for (int k = 0; k < NS; k++) {
        double acc = 0;
        for (int i = 0; i <= k; i++)
            acc += x.c[i] * y.c[k - i];
        r.c[k] = acc;
    }
    return r;
}

/* 1/x by the recurrence x * r = 1 (x.c[0] != 0). */
static series_t s_recip(series_t x)
{
    series_t r;
    r.c[0] = 1.0 / x.c[0];
    for (int k = 1; k < NS; k++) {
        double acc = 0;
        for (int i = 1; i <= k; i++)
            acc += x.c[i] * r.c[k - i];
        r.c[k] = -acc * r.c[0];
    }
    return r;
}

static series_t s_scale(series_t x, double s)
{
    for (int k = 0; k < NS; k++)
        x.c[k] *= s;
    return x;
}

static series_t s_add(series_t x, series_t y)
{
    for (int k = 0; k < NS; k++)
        x.c[k] += y.c[k];
    return x;
}

static series_t s_deriv(series_t x)
{
    series_t r;
    for (int k = 0; k < NS - 1; k++)
        r.c[k] = (k + 1) * x.c[k + 1];
    r.c[NS - 1] = 0;
    return r;
}

/* Integral from u = 0 (constant term 0); the top term is dropped. */
static series_t s_integ(series_t x)
{
    series_t r;
    r.c[0] = 0;
    for (int k = 1; k < NS; k++)
        r.c[k] = x.c[k - 1] / k;
    return r;
}

/* Copy coefficients 0..deg, rescaled from u in radians to u in degrees and
 * multiplied by `factor`. */
static void s_store(double *dst, series_t x, int deg, double factor)
{
    const double d2r = GK_PI / 180;
    double s = factor;
    for (int k = 0; k <= deg; k++) {
        dst[k] = x.c[k] * s;
        s *= d2r;
    }
}

static void fill_node(gk_node_t *nd, double a, double f, double lat0)
{
    const double d2r = GK_PI / 180;
    const double e2 = f * (2 - f);
    const double p0 = lat0 * d2r;
    /* sin and cos at the node; exact values at the poles and equator so the
     * tables are symmetric */
    double sp = sin(p0), cp = cos(p0);
    if (fabs(lat0) == 90) {
        sp = lat0 > 0 ? 1 : -1;
        cp = 0;
    }
    series_t su = {{0}}, cu = {{0}};
    double fact = 1;
    for (int k = 0; k < NS; k++) {
        if (k > 0)
            fact *= k;
        double t = 1 / fact;
        /* d^k/du^k sin(p0+u) at 0 cycles sin, cos, -sin, -cos */
        switch (k % 4) {
        case 0: su.c[k] = sp * t; cu.c[k] = cp * t; break;
        case 1: su.c[k] = cp * t; cu.c[k] = -sp * t; break;
        case 2: su.c[k] = -sp * t; cu.c[k] = -cp * t; break;
        default: su.c[k] = -cp * t; cu.c[k] = sp * t; break;
        }
    }
    series_t one = {{1}};
    series_t w2 = s_add(one, s_scale(s_mul(su, su), -e2));
    series_t iw2 = s_recip(w2);
    series_t iw4 = s_mul(iw2, iw2);
    series_t iw6 = s_mul(iw4, iw2);
    series_t J = s_scale(s_mul(cu, iw4), a * a * (1 - e2));
    series_t G = s_integ(J);
    series_t E = s_scale(iw6, a * a * (1 - e2) * (1 - e2));
    series_t Gm = s_scale(s_mul(s_mul(cu, cu), iw2), a * a);
    series_t Ep = s_deriv(E), Gmp = s_deriv(Gm), Jp = s_deriv(J);
    series_t Epp = s_deriv(Ep), Gmpp = s_deriv(Gmp);
    series_t iE = s_recip(E);

    memset(nd, 0, sizeof *nd);
    s_store(nd->g, G, GK_GDEG, 1);
    s_store(nd->e, E, GK_MDEG, d2r * d2r);
    /* area correction, see geodesic_fast.c:
     * c1 = J Gm'/(24 E), c2 = J (Gm'/Gm - E'/(2E))/12 + J'/12 */
    series_t c1 = s_scale(s_mul(s_mul(J, Gmp), iE), 1.0 / 24);
    s_store(nd->c1, c1, GK_CDEG, d2r * d2r);
    /* length quartic terms, see geodesic_fast.c:
     * k1 = -Gm'^2/(48E), k3 = E''/24 - E'^2/(48E),
     * k2 = Gm''/24 - Gm'^2/(12 Gm) + Gm' E'/(24E) */
    series_t k1 = s_scale(s_mul(s_mul(Gmp, Gmp), iE), -1.0 / 48);
    series_t k3 = s_add(s_scale(Epp, 1.0 / 24),
                        s_scale(s_mul(s_mul(Ep, Ep), iE), -1.0 / 48));
    s_store(nd->k1, k1, GK_KDEG, pow(d2r, 4));
    s_store(nd->k3, k3, GK_KDEG, pow(d2r, 4));
    if (cp != 0) {
        s_store(nd->gm, Gm, GK_MDEG, d2r * d2r);
        series_t iGm = s_recip(Gm);
        series_t c2 = s_add(
            s_scale(s_mul(J, s_add(s_mul(Gmp, iGm),
                                   s_scale(s_mul(Ep, iE), -0.5))),
                    1.0 / 12),
            s_scale(Jp, 1.0 / 12));
        s_store(nd->c2, c2, GK_CDEG, d2r * d2r);
        series_t k2 = s_add(
            s_add(s_scale(Gmpp, 1.0 / 24),
                  s_scale(s_mul(s_mul(Gmp, Gmp), iGm), -1.0 / 12)),
            s_scale(s_mul(s_mul(Gmp, Ep), iE), 1.0 / 24));
        s_store(nd->k2, k2, GK_KDEG, pow(d2r, 4));
        nd->gm_over_e = Gm.c[0] / E.c[0];
    }
    /* Residual of the area series per edge, in m^2 per (edge size in
     * degrees of meridian arc)^5; fitted with margin, see
     * geodesic_fast.c. */
    double t = fabs(cp) > 1e-3 ? fabs(sp / cp) : 1e3;
    nd->area_resid = a * a * pow(d2r, 5) * 0.05 * (1 + t * t * t);
    nd->len_resid = pow(d2r, 4) * 0.1 * (1 + t * t * t * t);
}

void gk_geodesic_tables_fill(struct gk_geodesic *g)
{
    for (int i = 0; i < GK_NODE_COUNT; i++)
        fill_node(&g->node[i], g->ell.a, g->ell.f, -90 + i * GK_NODE_STEP);
}
