package io.vfiomigrate.api;

/** DMA permissions ({@code IOMMU_READ}, {@code IOMMU_WRITE}) requested or granted. */
public record Prot(boolean read, boolean write) {
  public static final Prot NONE = new Prot(false, false);
  public static final Prot READ = new Prot(true, false);
  public static final Prot WRITE = new Prot(false, true);
  public static final Prot READ_WRITE = new Prot(true, true);

  /** True if every permission of {@code requested} is granted here. */
  public boolean allows(Prot requested) {
    return (read || !requested.read) && (write || !requested.write);
  }

  @Override
  public String toString() {
    return (read ? "r" : "-") + (write ? "w" : "-");
  }
}
