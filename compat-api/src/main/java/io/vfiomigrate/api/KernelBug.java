package io.vfiomigrate.api;

/**
 * A condition on which the real kernel crashes ({@code BUG_ON}) rather than returning an errno,
 * for example type1 finding the same {@code vfio_dma} with external pins more than ten times
 * while unmapping. The model stops the operation with this error instead of hanging or
 * pretending to succeed; {@link #site()} names the kernel function.
 */
public final class KernelBug extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String site;

  public KernelBug(String site, String message) {
    super("kernel BUG in " + site + ": " + message);
    this.site = site;
  }

  public String site() {
    return site;
  }
}
