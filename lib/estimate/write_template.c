/*
 * lib/estimate/write_template.c - describe one template for
 * `geokota templates show NAME`: its layers and items with material labels.
 */
#include <math.h>
#include <string.h>

#include "estimate_internal.h"

static const char *label_of(const gk_catalog_t *cat, const char *id,
                            gk_lang_t lang)
{
    const char *l = cat ? gk_catalog_material_label(cat, id, lang) : NULL;
    return l ? l : id;
}

static const char *pick(char *const label[2], const char *fallback,
                        gk_lang_t lang)
{
    if (lang == GK_LANG_ID && label[1])
        return label[1];
    return label[0] ? label[0] : fallback;
}

static void write_json(const gk_template_t *t, const gk_catalog_t *cat,
                       FILE *out, gk_lang_t lang)
{
    char num[40];
    fputs("{\"template\":", out);
    gk_json_write_string(out, t->name);
    fputs(",\"title\":", out);
    gk_json_write_string(out, gk_template_title(t, lang));
    fputs(",\"source\":", out);
    gk_json_write_string(out, t->source);
    gk_json_format_number(num, sizeof num, t->default_width_m);
    fprintf(out, ",\"default_width_m\":%s,\n\"layers\":[", num);
    for (size_t i = 0; i < t->n_layers; i++) {
        const gk_tpl_layer_t *l = &t->layers[i];
        fputs(i ? ",\n{\"name\":" : "\n{\"name\":", out);
        gk_json_write_string(out, l->name);
        fputs(",\"label\":", out);
        gk_json_write_string(out, pick(l->label, l->name, lang));
        fputs(",\"material\":", out);
        gk_json_write_string(out, l->material);
        fputs(",\"material_label\":", out);
        gk_json_write_string(out, label_of(cat, l->material, lang));
        gk_json_format_number(num, sizeof num, l->thickness_m);
        fprintf(out, ",\"thickness_m\":%s", num);
        gk_json_format_number(num, sizeof num, l->extra_width_m);
        fprintf(out, ",\"extra_width_m\":%s", num);
        if (l->supply != GK_SUPPLY_CHOICE_DEFAULT)
            fprintf(out, ",\"supply\":\"%s\"",
                    l->supply == GK_SUPPLY_CHOICE_READY ? "ready_mix"
                                                        : "site_mix");
        fputc('}', out);
    }
    fputs("],\n\"items\":[", out);
    for (size_t i = 0; i < t->n_items; i++) {
        const gk_tpl_item_t *it = &t->items[i];
        fputs(i ? ",\n{\"name\":" : "\n{\"name\":", out);
        gk_json_write_string(out, it->name);
        fputs(",\"label\":", out);
        gk_json_write_string(out, pick(it->label, it->name, lang));
        fprintf(out, ",\"kind\":\"%s\",\"material\":",
                it->linear ? "linear" : "area");
        gk_json_write_string(out, it->material);
        fputs(",\"material_label\":", out);
        gk_json_write_string(out, label_of(cat, it->material, lang));
        if (it->linear)
            fprintf(out, ",\"sides\":%d", it->sides);
        else {
            fputs(",\"on\":", out);
            gk_json_write_string(out, it->on < 0 ? "surface"
                                                 : t->layers[it->on].name);
        }
        fputc('}', out);
    }
    fputs("]}\n", out);
}

static void write_text(const gk_template_t *t, const gk_catalog_t *cat,
                       FILE *out, gk_lang_t lang, bool md, bool csv)
{
    bool id = lang == GK_LANG_ID;
    if (csv) {
        fputs("kind,name,material,thickness_m,extra_width_m,sides,on\r\n", out);
        for (size_t i = 0; i < t->n_layers; i++) {
            const gk_tpl_layer_t *l = &t->layers[i];
            fprintf(out, "layer,%s,%s,%.17g,%.17g,,\r\n", l->name, l->material,
                    l->thickness_m, l->extra_width_m);
        }
        for (size_t i = 0; i < t->n_items; i++) {
            const gk_tpl_item_t *it = &t->items[i];
            if (it->linear)
                fprintf(out, "linear,%s,%s,,,%d,\r\n", it->name, it->material,
                        it->sides);
            else
                fprintf(out, "area,%s,%s,,,,%s\r\n", it->name, it->material,
                        it->on < 0 ? "surface" : t->layers[it->on].name);
        }
        return;
    }
    const char *sep = md ? " | " : "  ";
    fprintf(out, "%s%s (%s)\n", md ? "# " : "", gk_template_title(t, lang),
            t->name);
    fprintf(out, "%s%s: %s\n", md ? "\n" : "", id ? "Sumber" : "Source",
            t->source);
    if (t->default_width_m > 0)
        fprintf(out, "%s: %.2f m\n", id ? "Lebar standar" : "Default width",
                t->default_width_m);
    fprintf(out, "\n%s%s\n", md ? "## " : "",
            id ? "Lapisan (atas ke bawah)" : "Layers (top to bottom)");
    if (md)
        fprintf(out, "\n| %s | %s | %s | %s |\n|---|---|--:|--:|\n",
                id ? "Lapisan" : "Layer", id ? "Bahan" : "Material",
                id ? "Tebal m" : "Thickness m",
                id ? "Lebar tambahan per sisi m" : "Extra width per side m");
    for (size_t i = 0; i < t->n_layers; i++) {
        const gk_tpl_layer_t *l = &t->layers[i];
        fprintf(out, "%s%-22s%s%-40s%s%6.3f%s%6.3f%s\n", md ? "| " : "  ",
                pick(l->label, l->name, lang), sep,
                label_of(cat, l->material, lang), sep, l->thickness_m, sep,
                l->extra_width_m, md ? " |" : "");
    }
    if (t->n_items == 0)
        return;
    fprintf(out, "\n%s%s\n", md ? "## " : "", "Item");
    if (md)
        fprintf(out, "\n| Item | %s | %s |\n|---|---|---|\n",
                id ? "Bahan" : "Material", id ? "Dasar" : "Basis");
    for (size_t i = 0; i < t->n_items; i++) {
        const gk_tpl_item_t *it = &t->items[i];
        char basis[96];
        if (it->linear)
            snprintf(basis, sizeof basis, "%s x %d %s",
                     id ? "panjang" : "length", it->sides,
                     id ? "sisi" : (it->sides == 1 ? "side" : "sides"));
        else
            snprintf(basis, sizeof basis, "%s %s", id ? "luas" : "area of",
                     it->on < 0 ? (id ? "permukaan" : "surface")
                                : t->layers[it->on].name);
        fprintf(out, "%s%-22s%s%-40s%s%s%s\n", md ? "| " : "  ",
                pick(it->label, it->name, lang), sep,
                label_of(cat, it->material, lang), sep, basis, md ? " |" : "");
    }
}

gk_status_t gk_template_write(gk_context_t *ctx, const gk_template_t *tpl,
                              const gk_catalog_t *cat, FILE *out,
                              gk_boq_format_t format, gk_lang_t lang)
{
    if (!tpl || !out)
        return gk_error(ctx, GK_ERR_ARG, "gk_template_write: NULL argument");
    gk_numeric_locale_t loc;
    gk_numeric_c_enter(&loc);
    switch (format) {
    case GK_BOQ_JSON:
        write_json(tpl, cat, out, lang);
        break;
    case GK_BOQ_CSV:
        write_text(tpl, cat, out, lang, false, true);
        break;
    case GK_BOQ_MARKDOWN:
        write_text(tpl, cat, out, lang, true, false);
        break;
    default:
        write_text(tpl, cat, out, lang, false, false);
        break;
    }
    gk_numeric_c_leave(&loc);
    if (fflush(out) != 0 || ferror(out))
        return gk_error(ctx, GK_ERR_IO, "writing template %s failed",
                        tpl->name);
    return GK_OK;
}
