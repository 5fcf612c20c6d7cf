/* assets: the script and style text the pictures embed, generated at build
 * time from assets/ by embed.py (one string per file). */
#ifndef ALLOCPROF_PICTURES_ASSETS_H
#define ALLOCPROF_PICTURES_ASSETS_H

extern const char pic_asset_flame_js[];
extern const char pic_asset_report_js[];
extern const char pic_asset_report_css[];
extern const char pic_asset_graphpan_js[];

#endif
