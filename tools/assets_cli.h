/*
 * tools/assets_cli.h - what the `geokota assets` subcommands share.
 */
#ifndef GK_TOOLS_ASSETS_CLI_H
#define GK_TOOLS_ASSETS_CLI_H

#include "cli.h"

typedef enum assets_fmt {
    AFMT_TABLE = 0,
    AFMT_JSON,
    AFMT_CSV,
    AFMT_GEOJSON,
} assets_fmt_t;

/* Asset rows: group_name names the group column ("road", "area") or is
 * NULL; with_dist adds distance_m. */
void emit_rows(cli_t *cli, assets_fmt_t fmt, const gk_asset_rows_t *r,
               const char *group_name, bool with_dist, const char *title);
/* Per-area, per-kind totals; show[k] selects kinds. */
void emit_summary(cli_t *cli, assets_fmt_t fmt, const gk_assets_summary_t *s,
                  const bool *show, const char *by);
/* Uncovered stretches; name_field is a string field of roads or -1. */
void emit_gaps(cli_t *cli, assets_fmt_t fmt, const gk_asset_gaps_t *g,
               const gk_layer_t *roads, int name_field);

#endif /* GK_TOOLS_ASSETS_CLI_H */
