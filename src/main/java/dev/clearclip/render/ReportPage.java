package dev.clearclip.render;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run as a self-contained HTML page (no file or network references: pictures are data URIs), so it can be
 * mailed, attached to a ticket or opened from object storage as is.
 */
public record ReportPage(String runId, Map<String, String> summary, List<Section> sections) {

    public record ErrorRow(String imageId, String uri, String error) {
    }

    /** one vocabulary of the run; {@code chartPng} null when there were no class statistics */
    public record Section(String vocabulary, byte[] chartPng, List<ContactSheet.Tile> overlays,
                          List<String> renderFailures, long errorCount, List<ErrorRow> errors) {
    }

    public ReportPage {
        summary = new LinkedHashMap<>(summary);
        sections = List.copyOf(sections);
    }

    public String html() {
        StringBuilder h = new StringBuilder(1 << 16);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>clearclip run ")
                .append(esc(runId)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:24px;color:#202020;background:#fff}")
                .append("table{border-collapse:collapse;margin:8px 0 16px}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}")
                .append("td{white-space:pre-wrap;overflow-wrap:anywhere;max-width:900px}")
                .append("th{background:#f0f0f0}.grid{display:flex;flex-wrap:wrap;gap:12px}")
                .append("figure{margin:0;width:360px}figure img{width:360px;border:1px solid #ccc}")
                .append("figcaption{font-size:13px;word-break:break-all}.note{color:#a03000}\n</style></head><body>\n");
        h.append("<h1>clearclip run ").append(esc(runId)).append("</h1>\n<h2>Summary</h2>\n<table class=\"summary\">");
        summary.forEach((k, v) -> h.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v))
                .append("</td></tr>"));
        h.append("</table>\n");
        for (Section s : sections) {
            section(h, s);
        }
        return h.append("</body></html>\n").toString();
    }

    private static void section(StringBuilder h, Section s) {
        h.append("<section><h2>Vocabulary ").append(esc(s.vocabulary())).append("</h2>\n<h3>Class distribution</h3>\n");
        if (s.chartPng() == null) {
            h.append("<p class=\"note\">no class statistics for this run</p>\n");
        } else {
            h.append("<img class=\"chart\" alt=\"class distribution\" src=\"").append(dataUri(s.chartPng()))
                    .append("\">\n");
        }
        h.append("<h3>Overlays (").append(s.overlays().size()).append(")</h3>\n<div class=\"grid\">\n");
        for (ContactSheet.Tile t : s.overlays()) {
            h.append("<figure><img class=\"overlay\" alt=\"").append(esc(t.caption())).append("\" src=\"")
                    .append(dataUri(t.png())).append("\"><figcaption>").append(esc(t.caption()))
                    .append("</figcaption></figure>\n");
        }
        h.append("</div>\n");
        for (String f : s.renderFailures()) {
            h.append("<p class=\"note\">not drawn: ").append(esc(f)).append("</p>\n");
        }
        h.append("<h3>Errors (").append(s.errorCount()).append(")</h3>\n");
        if (!s.errors().isEmpty()) {
            h.append("<table class=\"errors\"><tr><th>image_id</th><th>uri</th><th>error</th></tr>\n");
            for (ErrorRow e : s.errors()) {
                h.append("<tr><td>").append(esc(e.imageId())).append("</td><td>").append(esc(e.uri()))
                        .append("</td><td>").append(esc(e.error())).append("</td></tr>\n");
            }
            h.append("</table>\n");
            if (s.errorCount() > s.errors().size()) {
                h.append("<p>first ").append(s.errors().size()).append(" of ").append(s.errorCount()).append("</p>\n");
            }
        }
        h.append("</section>\n");
    }

    static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
