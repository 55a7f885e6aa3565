package io.vfiomigrate.cli.replay;

/**
 * An iommufd op that no replay can perform because the program itself is wrong (a pid not in the
 * header, a context opened twice, a program id used twice, no op set), as opposed to an op the
 * kernel refuses. Callers that know the file turn it into a MALFORMED_INPUT {@code
 * TraceFormatException} (exit 65).
 */
public final class MalformedOpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * @param field the op's field at fault, as a protobuf JSON path ({@code pid}, {@code open.ctx})
   */
  public MalformedOpException(String field, String detail) {
    super(detail);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
