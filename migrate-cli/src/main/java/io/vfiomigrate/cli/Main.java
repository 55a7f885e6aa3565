package io.vfiomigrate.cli;

import com.google.inject.Guice;
import com.google.inject.Stage;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Entry point; the only place that calls System.exit. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // UTF-8 regardless of the locale, so descriptions and paths print the same everywhere;
    // stdout is buffered (CliApp flushes it), stderr is not, so errors are never lost.
    PrintStream out =
        new PrintStream(
            new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
            false,
            StandardCharsets.UTF_8);
    PrintStream err =
        new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    int code;
    try {
      CliApp app =
          Guice.createInjector(Stage.PRODUCTION, new CliModule(), new ModelsModule())
              .getInstance(CliApp.class);
      code = app.run(args, out, err);
    } catch (RuntimeException e) {
      code = Failures.report(e, true, err);
    }
    out.flush();
    System.exit(code);
  }
}
