package io.vfiomigrate.cli.importer;

import static java.util.Objects.requireNonNull;

import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.trace.TraceFormatException;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads a QEMU log line by line and hands the type1 events it implies to a sink, in order; returns
 * the header (known only at the end) and the summary. Memory stays bounded whatever the log's size:
 * lines are capped at {@link #MAX_LINE_CHARS}, events leave through a fixed window.
 *
 * <p>Each line goes through: {@link LogPrefixes} (strip what loggers added), {@link LogLineParser}
 * (recognise an event), {@link LineJoiner} (mend a line a mail client wrapped), {@link TaskIds}
 * (whose line it is) and {@link TraceAssembler} (what it means for the trace).
 */
final class QemuLogImporter {
  /** Longer lines are not QEMU's: its longest formats are a few hundred characters. */
  static final int MAX_LINE_CHARS = 64 * 1024;

  private static final int BUFFER_CHARS = 1 << 16;

  /** An import's results apart from the events. */
  record Result(TraceHeader header, ImportSummary summary, TraceAssembler.Assembled assembled) {
    Result {
      requireNonNull(header, "header is null");
      requireNonNull(summary, "summary is null");
      requireNonNull(assembled, "assembled is null");
    }
  }

  /** An opened log; invalid UTF-8 becomes U+FFFD rather than an error (logs mix encodings). */
  static final class OpenLog implements Closeable {
    private final Path path;
    private final Reader reader;

    private OpenLog(Path path, Reader reader) {
      this.path = path;
      this.reader = reader;
    }

    Path path() {
      return path;
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }

  private final LogLineParser parser = new LogLineParser();

  /**
   * @throws TraceFormatException UNREADABLE_INPUT if the file is missing, a directory or unreadable
   */
  static OpenLog open(Path path) {
    String file = path.toString();
    if (Files.isDirectory(path)) {
      throw TraceFormatException.unreadable(file, "is a directory", null);
    }
    try {
      return new OpenLog(
          path,
          new BufferedReader(
              new InputStreamReader(
                  Files.newInputStream(path),
                  StandardCharsets.UTF_8
                      .newDecoder()
                      .onMalformedInput(CodingErrorAction.REPLACE)
                      .onUnmappableCharacter(CodingErrorAction.REPLACE)),
              BUFFER_CHARS));
    } catch (IOException e) {
      throw TraceFormatException.openFailed(file, e);
    }
  }

  /**
   * Reads all of {@code log}, passing events to {@code sink}.
   *
   * @throws TraceFormatException UNREADABLE_INPUT on a read error
   */
  Result run(OpenLog log, ImportOptions options, Consumer<Type1Event> sink) {
    ImportSummary summary = new ImportSummary();
    TraceAssembler assembler = new TraceAssembler(options.effectiveBacking(), sink);
    LineOutcomes outcomes =
        new LineOutcomes(
            new TaskIds(options.pid().isPresent() ? options.pid().getAsInt() : null),
            assembler,
            summary);
    BoundedLineReader reader = new BoundedLineReader(log.reader, MAX_LINE_CHARS);
    try {
      BoundedLineReader.Line current = reader.next();
      while (current != null) {
        summary.read(current.number());
        BoundedLineReader.Line next = reader.next();
        if (current.truncated()) {
          summary.unusable(
              current.number(), "line", "longer than " + MAX_LINE_CHARS + " characters");
          current = next;
          continue;
        }
        LogLine line = LogPrefixes.strip(current.text());
        ParseResult result = parser.parse(line.text());
        if (result instanceof ParseResult.Malformed && next != null && !next.truncated()) {
          Optional<ParseResult.Recognised> joined =
              LineJoiner.join(parser, line.text(), next.text());
          if (joined.isPresent()) {
            summary.read(next.number());
            summary.joined();
            outcomes.apply(joined.get(), line, current.number());
            current = reader.next();
            continue;
          }
        }
        outcomes.apply(result, line, current.number());
        current = next;
      }
    } catch (IOException e) {
      throw TraceFormatException.unreadable(
          log.path().toString(), "read error: " + e.getMessage(), e);
    }
    TraceAssembler.Assembled assembled = assembler.finish();
    return new Result(ImportHeader.build(assembled, options, log.path()), summary, assembled);
  }

  /** Where each parsed line goes: to the assembler if recognised, and to the summary. */
  private record LineOutcomes(TaskIds tasks, TraceAssembler assembler, ImportSummary summary) {
    void apply(ParseResult result, LogLine line, long number) {
      if (result instanceof ParseResult.Recognised recognised) {
        Optional<String> ignored = assembler.accept(tasks.taskOf(line), recognised.event());
        if (ignored.isPresent()) {
          summary.unusable(number, recognised.kind(), ignored.get());
        } else {
          summary.recognised(recognised.kind());
        }
      } else if (result instanceof ParseResult.Malformed malformed) {
        summary.unusable(number, malformed.kind(), malformed.reason());
      } else {
        summary.unknown(number);
      }
    }
  }
}
