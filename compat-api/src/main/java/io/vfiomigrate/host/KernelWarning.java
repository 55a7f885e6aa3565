package io.vfiomigrate.host;

/** A WARN_ON that the real kernel would print: the function and what it found. */
public record KernelWarning(String function, String message) {
  @Override
  public String toString() {
    return "WARNING in " + function + ": " + message;
  }
}
