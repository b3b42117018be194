/*
 * geokota/export.h - the GK_API visibility macro.
 *
 * The library is built with hidden symbols; only declarations marked GK_API
 * are exported from the shared object.
 */
#ifndef GEOKOTA_EXPORT_H
#define GEOKOTA_EXPORT_H

#if defined(GK_BUILDING) && defined(__GNUC__)
#define GK_API __attribute__((visibility("default")))
#else
#define GK_API
#endif

#endif /* GEOKOTA_EXPORT_H */
