package io.vfiomigrate.iommufd.iopt;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code struct iopt_pages_list}: slices of {@link IoptPages} about to become areas, each
 * holding a reference to its pages. {@code IOMMU_IOAS_COPY} collects them from the source
 * with {@link IoPagetable#getPages} and maps them into the destination with
 * {@link IoPagetable#mapPages}; {@link #close} ({@code iopt_free_pages_list}) aborts any area
 * not handed over and drops the references left.
 */
public final class PagesList implements AutoCloseable {
  /** One slice: {@code [startByte, startByte + length)} of {@code pages}. */
  static final class Element {
    IoptPages pages;
    IoptArea area;
    final long startByte;
    final long length;

    Element(IoptPages pages, long startByte, long length) {
      this.pages = pages;
      this.startByte = startByte;
      this.length = length;
    }
  }

  private final IoptEnv env;
  final List<Element> elements = new ArrayList<>();

  PagesList(IoptEnv env) {
    this.env = env;
  }

  /** Adds a slice; the list takes over one reference of {@code pages}. */
  void add(IoptPages pages, long startByte, long length) {
    elements.add(new Element(pages, startByte, length));
  }

  /** {@code iopt_free_pages_list}. Never fails. */
  @Override
  public void close() {
    for (Element e : elements) {
      if (e.area != null) {
        e.area.iopt.abortArea(e.area);
        e.area = null;
      }
      if (e.pages != null) {
        e.pages.put(env);
        e.pages = null;
      }
    }
    elements.clear();
  }
}
