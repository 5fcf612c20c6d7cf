/* svgpan: the same three edits pprof makes (internal/driver/svg.go): the
 * fixed size and viewBox of the <svg> element become 100%, the viewport group
 * opens before graphviz's <g id="graph0">, and closes before </svg>,
 * followed by the script. */
#include "svgpan.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "assets.h"

static const char *find(const char *s, const char *end, const char *what)
{
	return memmem(s, (size_t)(end - s), what, strlen(what));
}

int svgpan_write(FILE *out, const char *svg, size_t len)
{
	const char *end = svg + len;
	const char *open = find(svg, end, "<svg ");
	const char *tag_end = open ? memchr(open, '>', (size_t)(end - open)) : NULL;
	const char *graph = tag_end ? find(tag_end, end, "<g id=\"graph0\"") : NULL;
	const char *close = NULL;
	for (const char *p = graph; p && (p = find(p, end, "</svg>")); p++)
		close = p;
	if (!graph || !close) {
		fwrite(svg, 1, len, out);
		return ferror(out) ? -EIO : 1;
	}
	/* the <svg> tag without width, height and viewBox */
	fwrite(svg, 1, (size_t)(open - svg), out);
	fputs("<svg width=\"100%\" height=\"100%\"", out);
	const char *p = open + 4;
	while (p < tag_end) {
		const char *eq = memchr(p, '=', (size_t)(tag_end - p));
		if (!eq || eq + 1 >= tag_end || eq[1] != '"')
			break;
		const char *q = memchr(eq + 2, '"', (size_t)(tag_end - eq - 2));
		if (!q)
			break;
		const char *name = p;
		while (name < eq && (*name == ' ' || *name == '\n' || *name == '\t' || *name == '\r'))
			name++;
		size_t n = (size_t)(eq - name);
		bool drop = (n == 5 && !memcmp(name, "width", 5)) || (n == 6 && !memcmp(name, "height", 6)) ||
			    (n == 7 && !memcmp(name, "viewBox", 7));
		if (!drop) {
			fputc(' ', out);
			fwrite(name, 1, (size_t)(q + 1 - name), out);
		}
		p = q + 1;
	}
	fwrite(tag_end, 1, (size_t)(graph - tag_end), out);
	fputs("<g id=\"viewport\">\n", out);
	fwrite(graph, 1, (size_t)(close - graph), out);
	/* after the graph, so that it runs with the viewport in the document */
	fprintf(out, "</g>\n<script type=\"text/ecmascript\"><![CDATA[\n%s\nallocprofPan(document.documentElement);\n]]></script>\n",
		pic_asset_graphpan_js);
	fwrite(close, 1, (size_t)(end - close), out);
	return ferror(out) ? -EIO : 0;
}
