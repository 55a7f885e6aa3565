package io.vfiomigrate.cli;

/** Entry point placeholder until the CLI skeleton lands. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(0);
  }
}
