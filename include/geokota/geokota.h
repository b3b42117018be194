/*
 * geokota/geokota.h - the umbrella header: include this one.
 *
 * geokota measures what a city builds: areas, lengths, earthwork volumes and
 * road material quantities, over flat columnar geometry, with its own
 * R-tree.
 *
 * Rules that hold for every function (stated once, here):
 * - Fallible functions take a gk_context_t first and return a gk_status_t;
 *   on failure the out-parameters are NULL or unchanged, never half-written,
 *   and gk_errmsg(ctx) says what went wrong and where.
 * - Kernels (pure numeric routines on raw arrays) take no context, cannot
 *   fail and never allocate.
 * - Whoever calls a _new/_build/_open/_read function owns the result and
 *   frees it with that type's single destructor; destructors accept NULL.
 *   `const T *` arguments are borrowed for the call only.
 * - A context belongs to one thread at a time. Objects are read-only after
 *   creation unless a function says it mutates; read-only objects may be
 *   shared by any number of threads.
 * - The library never prints, never exits and never aborts on bad input.
 * - Units: metres, square metres, cubic metres, tonnes. Coordinates are x, y
 *   in the CRS of their layer; for geographic CRSs x is longitude and y is
 *   latitude, in degrees.
 */
#ifndef GEOKOTA_H
#define GEOKOTA_H

#include "geokota/common.h"
#include "geokota/version.h"
#include "geokota/geom.h"
#include "geokota/crs.h"
#include "geokota/io.h"
#include "geokota/measure.h"
#include "geokota/rtree.h"
#include "geokota/road.h"
#include "geokota/estimate.h"
#include "geokota/volume.h"
#include "geokota/assets.h"

#endif /* GEOKOTA_H */
