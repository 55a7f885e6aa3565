package io.vfiomigrate.cli.report;

import static io.vfiomigrate.cli.HumanFormat.bytes;

import java.util.List;
import java.util.Locale;

/**
 * An inline SVG line plot of a {@link CounterSeries}: steps across, pages up (labelled in binary
 * units too), the left side's series solid and the right side's dashed, a legend below. Plain SVG
 * 1.1 with no script and no external reference.
 */
final class SvgPlot {
  private static final int WIDTH = 960;
  private static final int HEIGHT = 380;
  private static final int LEFT = 90;
  private static final int RIGHT = 20;
  private static final int TOP = 20;
  private static final int PLOT_HEIGHT = 260;
  private static final List<String> COLORS = List.of("#1f77b4", "#d62728", "#2ca02c");
  private static final List<String> NAMES =
      List.of("locked_vm (VmLck)", "pinned_vm (VmPin)", "per-user locked_vm");

  private SvgPlot() {}

  static String render(CounterSeries series, String left, String right, long pageSize) {
    StringBuilder svg = new StringBuilder(64 * 1024);
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(HEIGHT)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(HEIGHT)
        .append("\" role=\"img\" aria-label=\"counters over the steps\">\n");
    svg.append("<rect x=\"0\" y=\"0\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(HEIGHT)
        .append("\" fill=\"#ffffff\"/>\n");
    long peak = Math.max(1, series.peak());
    int plotWidth = WIDTH - LEFT - RIGHT;
    axes(svg, series, peak, pageSize, plotWidth);
    for (int s = 0; s < CounterSeries.SERIES; s++) {
      polyline(svg, series, s, peak, plotWidth);
    }
    legend(svg, left, right);
    return svg.append("</svg>\n").toString();
  }

  private static void axes(
      StringBuilder svg, CounterSeries series, long peak, long pageSize, int plotWidth) {
    int bottom = TOP + PLOT_HEIGHT;
    svg.append(
        "<g stroke=\"#888\" stroke-width=\"1\" font-family=\"sans-serif\" font-size=\"11\">\n");
    svg.append(line(LEFT, TOP, LEFT, bottom)).append(line(LEFT, bottom, LEFT + plotWidth, bottom));
    long previous = -1;
    for (int tick = 0; tick <= 4; tick++) {
      long value = peak * tick / 4;
      if (value == previous) {
        continue;
      }
      previous = value;
      double y = y(value, peak);
      svg.append(
          line(LEFT - 4, y, LEFT + plotWidth, y).replace("/>", " stroke-opacity=\"0.25\"/>"));
      svg.append(text(LEFT - 8, y + 4, "end", value + " p"));
      svg.append(text(LEFT - 8, y + 16, "end", bytes(value * pageSize)));
    }
    long steps = Math.max(1, series.steps());
    long previousStep = -1;
    for (int tick = 0; tick <= 4; tick++) {
      long step = (steps - 1) * tick / 4;
      if (step == previousStep) {
        continue;
      }
      previousStep = step;
      double x = LEFT + (double) plotWidth * tick / 4;
      // The first label starts at the axis so that it clears the y labels ending left of it.
      svg.append(text(x, bottom + 16, tick == 0 ? "start" : "middle", "step " + step));
    }
    svg.append("</g>\n");
  }

  private static void polyline(
      StringBuilder svg, CounterSeries series, int s, long peak, int plotWidth) {
    if (series.buckets() == 0) {
      return;
    }
    svg.append("<polyline fill=\"none\" stroke=\"")
        .append(COLORS.get(s % 3))
        .append("\" stroke-width=\"")
        .append(s < 3 ? "2" : "2.5")
        .append('"')
        .append(s < 3 ? "" : " stroke-dasharray=\"6 4\"")
        .append(" points=\"");
    double span = Math.max(1, series.steps() - 1);
    for (int b = 0; b < series.buckets(); b++) {
      double step = Math.min(series.steps() - 1, (double) b * series.width());
      double x = LEFT + plotWidth * step / span;
      svg.append(format(x)).append(',').append(format(y(series.max(b, s), peak))).append(' ');
    }
    svg.setLength(svg.length() - 1);
    svg.append("\"/>\n");
  }

  private static void legend(StringBuilder svg, String left, String right) {
    int y = TOP + PLOT_HEIGHT + 40;
    svg.append("<g font-family=\"sans-serif\" font-size=\"12\">\n");
    for (int s = 0; s < CounterSeries.SERIES; s++) {
      int x = LEFT + (s % 3) * 280;
      int row = y + (s / 3) * 20;
      svg.append("<line x1=\"")
          .append(x)
          .append("\" y1=\"")
          .append(row - 4)
          .append("\" x2=\"")
          .append(x + 30)
          .append("\" y2=\"")
          .append(row - 4)
          .append("\" stroke=\"")
          .append(COLORS.get(s % 3))
          .append("\" stroke-width=\"2.5\"")
          .append(s < 3 ? "" : " stroke-dasharray=\"6 4\"")
          .append("/>\n");
      svg.append(text(x + 36, row, "start", (s < 3 ? left : right) + " " + NAMES.get(s % 3)));
    }
    svg.append("</g>\n");
  }

  private static double y(long value, long peak) {
    return TOP + PLOT_HEIGHT - (double) PLOT_HEIGHT * value / peak;
  }

  private static String line(double x1, double y1, double x2, double y2) {
    return "<line x1=\""
        + format(x1)
        + "\" y1=\""
        + format(y1)
        + "\" x2=\""
        + format(x2)
        + "\" y2=\""
        + format(y2)
        + "\"/>\n";
  }

  private static String text(double x, double y, String anchor, String text) {
    return "<text x=\""
        + format(x)
        + "\" y=\""
        + format(y)
        + "\" text-anchor=\""
        + anchor
        + "\" stroke=\"none\" fill=\"#333\">"
        + Html.escape(text)
        + "</text>\n";
  }

  private static String format(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}
