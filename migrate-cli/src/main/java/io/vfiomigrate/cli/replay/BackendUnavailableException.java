package io.vfiomigrate.cli.replay;

/**
 * A backend the command line names is not part of this build: its model module is not bound. One
 * line, reported with exit code 70.
 */
public final class BackendUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BackendUnavailableException(String backend, String missing) {
    super("backend " + backend + " is not available in this build (" + missing + ")");
  }
}
