package io.vfiomigrate.cli.report;

import static io.vfiomigrate.cli.report.Html.escape;

import io.vfiomigrate.cli.diff.Rule;
import io.vfiomigrate.proto.Divergence;

/**
 * The {@code diff --html} report: one self-contained HTML file (inline CSS and SVG, no script, no
 * external reference) with the headline, the counters of both sides plotted over the steps, the
 * rules that explain the divergences, and the kept divergences with their explanations.
 */
public final class HtmlReport {
  private HtmlReport() {}

  public static String render(
      String file,
      String left,
      String right,
      DiffSummary summary,
      CounterSeries series,
      long pageSize) {
    StringBuilder html = new StringBuilder(256 * 1024);
    String title = left + " vs " + right + " on " + file;
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(escape(title))
        .append("</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:2em;color:#222}")
        .append("table{border-collapse:collapse;margin:1em 0}")
        .append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}")
        .append("td.n{text-align:right}.bad{background:#fdd;border:2px solid #c00;padding:.6em}")
        .append(".ok{background:#efe;border:1px solid #6a6;padding:.6em}")
        .append("code{font-size:90%}\n</style>\n</head>\n<body>\n<h1>")
        .append(escape(title))
        .append("</h1>\n<p class=\"")
        .append(summary.unexplained() > 0 ? "bad" : "ok")
        .append("\">")
        .append(escape(summary.headline()))
        .append(
            "</p>\n<h2>Counters over the steps</h2>\n<p>Totals over all tasks and users, in pages;")
        .append(" each point is the largest value of ")
        .append(series.width())
        .append(series.width() == 1 ? " step" : " steps")
        .append(". Solid: ")
        .append(escape(left))
        .append(", dashed: ")
        .append(escape(right))
        .append(".</p>\n")
        .append(SvgPlot.render(series, left, right, pageSize));
    rules(html, summary);
    divergences(html, summary, left, right, pageSize);
    return html.append("</body>\n</html>\n").toString();
  }

  private static void rules(StringBuilder html, DiffSummary summary) {
    if (summary.total() == 0) {
      return;
    }
    html.append("<h2>Rules</h2>\n<table>\n<tr><th>rule</th><th>divergences</th><th>first step</th>")
        .append("<th>what differs</th><th>reference</th></tr>\n");
    for (DiffSummary.RuleCount count : summary.byRule()) {
      Rule rule = Rule.byId(count.rule()).orElse(null);
      html.append("<tr><td><code>")
          .append(escape(count.rule()))
          .append("</code></td><td class=\"n\">")
          .append(count.count())
          .append("</td><td class=\"n\">")
          .append(count.firstStep())
          .append("</td><td>")
          .append(rule == null ? "" : escape(rule.title()))
          .append("</td><td>")
          .append(rule == null ? "" : escape(rule.reference()))
          .append("</td></tr>\n");
    }
    if (summary.unexplained() > 0) {
      html.append("<tr class=\"bad\"><td><code>unexplained</code></td><td class=\"n\">")
          .append(summary.unexplained())
          .append("</td><td class=\"n\">")
          .append(summary.firstUnexplained())
          .append("</td><td>no known model difference explains these</td><td></td></tr>\n");
    }
    html.append("</table>\n");
  }

  private static void divergences(
      StringBuilder html, DiffSummary summary, String left, String right, long pageSize) {
    if (summary.total() == 0) {
      return;
    }
    html.append("<h2>Divergences</h2>\n");
    if (summary.kept().size() < summary.total()) {
      html.append("<p>The first ")
          .append(summary.kept().size())
          .append(" of ")
          .append(summary.total())
          .append(" (all of them: <code>--json</code>).</p>\n");
    }
    html.append("<table>\n<tr><th>step</th><th>event</th><th>field</th><th>")
        .append(escape(left))
        .append("</th><th>")
        .append(escape(right))
        .append("</th><th>rule</th><th>explanation</th></tr>\n");
    for (DiffSummary.Kept kept : summary.kept()) {
      Divergence d = kept.divergence();
      boolean unexplained = d.getRule().isEmpty();
      html.append(unexplained ? "<tr class=\"bad\">" : "<tr>")
          .append("<td class=\"n\">")
          .append(Integer.toUnsignedString(d.getStep()))
          .append("</td><td><code>")
          .append(escape(kept.event()))
          .append("</code></td><td><code>")
          .append(escape(d.getField()))
          .append("</code></td><td>")
          .append(escape(DiffText.value(d.getField(), d.getLeft(), pageSize)))
          .append("</td><td>")
          .append(escape(DiffText.value(d.getField(), d.getRight(), pageSize)))
          .append("</td><td><code>")
          .append(unexplained ? "unexplained" : escape(d.getRule()))
          .append("</code></td><td>")
          .append(escape(d.getExplanation()))
          .append("</td></tr>\n");
    }
    html.append("</table>\n");
  }
}
