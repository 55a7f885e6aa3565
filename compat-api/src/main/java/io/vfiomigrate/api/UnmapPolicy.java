package io.vfiomigrate.api;

/** How an emulated device's driver answers its dma_unmap callback. */
public enum UnmapPolicy {
  /** A correct driver: unpins every pin it holds that intersects the range. */
  UNPIN,
  /** A buggy driver that keeps its pins; the kernel retries and eventually gives up. */
  IGNORE
}
