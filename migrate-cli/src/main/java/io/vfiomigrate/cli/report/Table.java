package io.vfiomigrate.cli.report;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain text table: columns as wide as their widest cell, left aligned except the columns marked
 * numeric, two spaces apart, no trailing spaces. Rows are kept until {@link #print}, so callers cap
 * how many they add.
 */
public final class Table {
  private final List<String> headers;
  private final boolean[] numeric;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(List<String> headers, boolean... numeric) {
    this.headers = List.copyOf(headers);
    this.numeric = numeric.length == headers.size() ? numeric.clone() : new boolean[headers.size()];
  }

  public void add(List<String> row) {
    if (row.size() != headers.size()) {
      throw new IllegalArgumentException(
          "row of " + row.size() + " cells for " + headers.size() + " columns");
    }
    rows.add(List.copyOf(row));
  }

  public void print(PrintStream out, String indent) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    printRow(out, indent, headers, widths);
    for (List<String> row : rows) {
      printRow(out, indent, row, widths);
    }
  }

  private void printRow(PrintStream out, String indent, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder(indent);
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      String pad = " ".repeat(widths[i] - cell.length());
      if (i > 0) {
        line.append("  ");
      }
      line.append(numeric[i] ? pad + cell : cell + (i == cells.size() - 1 ? "" : pad));
    }
    out.println(line.toString().stripTrailing());
  }
}
