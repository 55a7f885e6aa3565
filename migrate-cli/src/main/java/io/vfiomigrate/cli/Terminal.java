package io.vfiomigrate.cli;

/** Whether a person is watching: decides the default of {@code --progress}. */
public interface Terminal {
  boolean interactive();
}
