package io.vfiomigrate.trace;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A trace, program or report file could not be read or written.
 *
 * <p>The message is always one line, {@code FILE[: WHERE][: field PATH]: DETAIL}:
 *
 * <ul>
 *   <li>WHERE is {@code header}, {@code event N}, {@code op N} or {@code warning N}; indexes count
 *       from 0 in file order.
 *   <li>PATH is the protobuf JSON path of the field inside that record, e.g. {@code mapDma.size} or
 *       {@code tasks[0].pid}.
 * </ul>
 *
 * <p>Callers react to the {@link Reason} (the CLI maps it to an exit code), never to the text.
 */
public final class TraceFormatException extends RuntimeException {
  /** What went wrong, in terms a caller can act on. */
  public enum Reason {
    /** The input is not a valid file of the expected kind (truncated, unknown field, ...). */
    MALFORMED_INPUT,
    /** The input does not exist, is not a regular file, or cannot be read. */
    UNREADABLE_INPUT,
    /** The output path cannot be used: unknown extension, a directory, or the input file. */
    REJECTED_OUTPUT,
    /** Writing the output failed; nothing was left at the output path. */
    WRITE_FAILED
  }

  private final Reason reason;
  private final String file;
  private final @Nullable String where;
  private final @Nullable String field;
  private final String detail;

  private TraceFormatException(
      Reason reason,
      String file,
      @Nullable String where,
      @Nullable String field,
      String detail,
      @Nullable Throwable cause) {
    super(format(file, where, field, detail), cause);
    this.reason = requireNonNull(reason, "reason is null");
    this.file = requireNonNull(file, "file is null");
    this.where = where;
    this.field = field;
    this.detail = requireNonNull(detail, "detail is null");
  }

  /** The input is malformed at {@code where} (null: the file as a whole), in {@code field}. */
  public static TraceFormatException malformed(
      String file, @Nullable String where, @Nullable String field, String detail) {
    return new TraceFormatException(Reason.MALFORMED_INPUT, file, where, field, detail, null);
  }

  static TraceFormatException malformed(
      String file, @Nullable String where, Problem problem, @Nullable Throwable cause) {
    return new TraceFormatException(
        Reason.MALFORMED_INPUT, file, where, problem.field(), problem.detail(), cause);
  }

  public static TraceFormatException unreadable(
      String file, String detail, @Nullable Throwable cause) {
    return new TraceFormatException(Reason.UNREADABLE_INPUT, file, null, null, detail, cause);
  }

  /** UNREADABLE_INPUT for an input that cannot be opened: no such file, permission denied, ... */
  public static TraceFormatException openFailed(String file, IOException e) {
    if (e instanceof NoSuchFileException) {
      return unreadable(file, "no such file", e);
    }
    if (e instanceof AccessDeniedException) {
      return unreadable(file, "permission denied", e);
    }
    return unreadable(file, "cannot open: " + e.getMessage(), e);
  }

  public static TraceFormatException rejectedOutput(String file, String detail) {
    return new TraceFormatException(Reason.REJECTED_OUTPUT, file, null, null, detail, null);
  }

  public static TraceFormatException writeFailed(
      String file, String detail, @Nullable Throwable cause) {
    return new TraceFormatException(Reason.WRITE_FAILED, file, null, null, detail, cause);
  }

  public Reason reason() {
    return reason;
  }

  /** The file as the caller named it. */
  public String file() {
    return file;
  }

  /** {@code header}, {@code event N}, {@code op N} or {@code warning N}, when known. */
  public Optional<String> where() {
    return Optional.ofNullable(where);
  }

  /** The JSON path of the offending field inside the record, when known. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }

  public String detail() {
    return detail;
  }

  private static String format(
      String file, @Nullable String where, @Nullable String field, String detail) {
    StringBuilder message = new StringBuilder(file);
    if (where != null) {
      message.append(": ").append(where);
    }
    if (field != null) {
      message.append(": field ").append(field);
    }
    // One line, whatever a parser or an OS error message contains.
    return message.append(": ").append(detail.replace('\n', ' ').replace('\r', ' ')).toString();
  }
}
