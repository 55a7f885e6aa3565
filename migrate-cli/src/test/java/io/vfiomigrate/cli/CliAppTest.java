package io.vfiomigrate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class CliAppTest {
  @TempDir Path directory;

  @Test
  void globalHelpListsCommandsOptionsAndExitCodes() {
    CliRun run = CliRun.of("--help");

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .isEqualTo(
            """
            usage: vfio-migrate [--debug] COMMAND [OPTIONS] [ARGS]
                   vfio-migrate COMMAND --help

            Replays, converts and compares VFIO type1 and iommufd traces.

            commands:
              convert   convert a type1 trace to an iommufd program
              diff      replay a trace on type1 and on compat or iommufd, and explain every divergence
              import    turn a QEMU log (VFIO and iommufd trace events, errors) into a type1 trace
              plan      the RLIMIT_MEMLOCK each model needs for a trace or a VM, against libvirt's
              replay    replay a trace on one backend and print every step's accounting
              synth     write a deterministic synthetic trace for demos and benchmarks
              validate  check a trace (or program) against the schema and for semantic mistakes

            options:
              -h, --help     show this help and exit
                  --version  print the version and exit
                  --debug    print stack traces of errors

            exit codes: 0 ok, 1 findings or divergences, 64 usage, 65 malformed input,
              66 input missing or unreadable, 70 internal error, 74 I/O error
            """);
  }

  @Test
  void commandHelpWinsOverMissingArguments() {
    CliRun run = CliRun.of("validate", "--help");

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.out())
        .isEqualTo(
            """
            usage: vfio-migrate validate [OPTIONS] FILE

            check a trace (or program) against the schema and for semantic mistakes

            options:
              -h, --help   show this help and exit
                  --debug  print stack traces of errors
            """);
    assertThat(CliRun.of("validate", "-h").out()).isEqualTo(run.out());
  }

  @Test
  void versionComesFromTheBuild() {
    CliRun run = CliRun.of("--version");

    assertThat(run.code()).isEqualTo(ExitCodes.OK);
    assertThat(run.out()).matches("vfio-migrate \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\n");
  }

  @Test
  void usageErrorsExitWith64AndOneLine() {
    assertUsage(CliRun.of(), "vfio-migrate: missing command (see 'vfio-migrate --help')\n");
    assertUsage(
        CliRun.of("frob"), "vfio-migrate: unknown command \"frob\" (see 'vfio-migrate --help')\n");
    assertUsage(
        CliRun.of("--frob", "validate"),
        "vfio-migrate: unrecognized option: --frob (see 'vfio-migrate --help')\n");
    assertUsage(
        CliRun.of("validate", "--frob", "t.json"),
        "vfio-migrate: validate: unrecognized option: --frob (see 'vfio-migrate validate"
            + " --help')\n");
    assertUsage(
        CliRun.of("validate", "a.json", "b.json"),
        "vfio-migrate: validate: expected one FILE, got 2 arguments (see 'vfio-migrate validate"
            + " --help')\n");
  }

  @Test
  void optionPrefixesAreNotAccepted() {
    assertUsage(
        CliRun.of("--hel"),
        "vfio-migrate: unrecognized option: --hel (see 'vfio-migrate --help')\n");
    assertUsage(
        CliRun.of("validate", "--deb", "t.json"),
        "vfio-migrate: validate: unrecognized option: --deb (see 'vfio-migrate validate"
            + " --help')\n");
  }

  @Test
  void missingInputExitsWith66() {
    Path missing = directory.resolve("nope.json");

    CliRun run = CliRun.of("validate", missing.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("vfio-migrate: " + missing + ": no such file\n");
  }

  @Test
  void directoryInputExitsWith66() {
    CliRun run = CliRun.of("validate", directory.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(run.err()).isEqualTo("vfio-migrate: " + directory + ": is a directory\n");
  }

  @Test
  void unreadableInputExitsWith66() throws IOException {
    Path file = Files.writeString(directory.resolve("secret.json"), "{}");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
    assumeFalse(Files.isReadable(file), "permissions do not apply to this user (root)");

    CliRun run = CliRun.of("validate", file.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(run.err()).isEqualTo("vfio-migrate: " + file + ": permission denied\n");
  }

  @Test
  void inputThatFailsWhileReadingExitsWith66() {
    Path memory = Path.of("/proc/self/mem");
    assumeTrue(Files.exists(memory), "needs Linux procfs");

    CliRun run = CliRun.of("validate", memory.toString());

    assertThat(run.code()).isEqualTo(ExitCodes.NO_INPUT);
    assertThat(run.err())
        .isEqualTo("vfio-migrate: /proc/self/mem: read error: Input/output error\n");
  }

  @Test
  void internalErrorsExitWith70AndShowTheStackOnlyWithDebug() {
    CliApp app =
        new CliApp(
            ImmutableMap.of(
                "boom", new FakeCommand("boom", new NullPointerException("x is null"))));

    CliRun quiet = CliRun.of(app, "boom");
    CliRun debug = CliRun.of(app, "--debug", "boom");
    CliRun debugAfterCommand = CliRun.of(app, "boom", "--debug");

    assertThat(quiet.code()).isEqualTo(ExitCodes.SOFTWARE);
    assertThat(quiet.err())
        .isEqualTo(
            "vfio-migrate: internal error: java.lang.NullPointerException: x is null (run with"
                + " --debug for the stack trace)\n");
    assertThat(debug.code()).isEqualTo(ExitCodes.SOFTWARE);
    assertThat(debug.err())
        .startsWith(
            "vfio-migrate: internal error: java.lang.NullPointerException: x is null\n"
                + "java.lang.NullPointerException: x is null\n"
                + "\tat ");
    assertThat(debugAfterCommand.err()).isEqualTo(debug.err());
  }

  @Test
  void ioErrorsExitWith74() {
    CliApp app =
        new CliApp(
            ImmutableMap.of(
                "write", new FakeCommand("write", new IOException("No space left on device"))));

    CliRun run = CliRun.of(app, "write");

    assertThat(run.code()).isEqualTo(ExitCodes.IO_ERROR);
    assertThat(run.err()).isEqualTo("vfio-migrate: I/O error: No space left on device\n");
  }

  @Test
  void failingStdoutExitsWith74() {
    CliApp app = new CliApp(ImmutableMap.of("print", new FakeCommand("print", null)));
    PrintStream broken =
        new PrintStream(
            new OutputStream() {
              @Override
              public void write(int b) throws IOException {
                throw new IOException("broken pipe");
              }
            },
            false,
            StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();

    int code =
        app.run(new String[] {"print"}, broken, new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(code).isEqualTo(ExitCodes.IO_ERROR);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("vfio-migrate: error writing standard output\n");
  }

  @Test
  void commandOptionsAreParsedStrictly() {
    FakeCommand command = new FakeCommand("opts", null);
    CliApp app = new CliApp(ImmutableMap.of("opts", command));

    assertThat(CliRun.of(app, "opts", "--output", "x.pb", "in.json").code())
        .isEqualTo(ExitCodes.OK);
    assertThat(command.lastLine.getOptionValue("output")).isEqualTo("x.pb");
    assertThat(command.lastLine.getArgList()).containsExactly("in.json");
    assertUsage(
        CliRun.of(app, "opts", "--out", "x.pb"),
        "vfio-migrate: opts: unrecognized option: --out (see 'vfio-migrate opts --help')\n");
    assertUsage(
        CliRun.of(app, "opts", "--output"),
        "vfio-migrate: opts: missing argument for option: o (see 'vfio-migrate opts --help')\n");
  }

  @Test
  void commandsMustBeBoundUnderTheirOwnName() {
    assertThatThrownBy(() -> new CliApp(ImmutableMap.of("other", new FakeCommand("boom", null))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "command " + FakeCommand.class.getName() + " is named \"boom\" but bound as \"other\"");
  }

  private static void assertUsage(CliRun run, String err) {
    assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo(err);
  }

  /** A command that prints one line and then throws {@code failure}, if any. */
  private static final class FakeCommand implements Subcommand {
    private final String name;
    private final Exception failure;
    private CommandLine lastLine;

    FakeCommand(String name, Exception failure) {
      this.name = name;
      this.failure = failure;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public String summary() {
      return "a test command";
    }

    @Override
    public Options options() {
      return new Options()
          .addOption(
              Option.builder("o").longOpt("output").hasArg().argName("OUT").desc("output").get());
    }

    @Override
    public int run(CommandLine commandLine, CliIo io) throws IOException {
      lastLine = commandLine;
      io.out().println("working");
      if (failure instanceof IOException e) {
        throw e;
      }
      if (failure instanceof RuntimeException e) {
        throw e;
      }
      return ExitCodes.OK;
    }
  }
}
