package io.vfiomigrate.cli;

/**
 * The exit codes of every command (sysexits.h values above 1). Callers that only ask "were there
 * differences" test {@code == 1}; anything above 1 means trouble.
 */
public final class ExitCodes {
  /** Success; no findings, no divergences. */
  public static final int OK = 0;

  /** Divergences found (diff) or findings reported (validate). */
  public static final int FINDINGS = 1;

  /** Bad command line: unknown command or option, wrong arguments, unusable output name. */
  public static final int USAGE = 64;

  /** Input data malformed: truncated, invalid, or not of the expected kind. */
  public static final int DATA_ERROR = 65;

  /** Input file missing or unreadable. */
  public static final int NO_INPUT = 66;

  /** Internal error: a bug. */
  public static final int SOFTWARE = 70;

  /** I/O error while writing output. */
  public static final int IO_ERROR = 74;

  private ExitCodes() {}
}
