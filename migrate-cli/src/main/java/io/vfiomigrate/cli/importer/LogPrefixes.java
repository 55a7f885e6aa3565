package io.vfiomigrate.cli.importer;

import com.google.common.collect.ImmutableList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Strips the prefixes real logs put in front of QEMU's text (spec §1.5), layer by layer, since they
 * nest: a journal line can hold Proxmox's {@code kvm: } tag, a Kata logfmt record holds a {@code
 * qemu-system-x86_64: } error line. Stateless and thread-safe.
 *
 * <ul>
 *   <li>syslog and journald: {@code Mon DD HH:MM:SS host PROG[PID]: } and {@code journalctl -o
 *       short-iso}'s {@code YYYY-MM-DDTHH:MM:SS+ZONE host PROG[PID]: }; the kernel's lines have no
 *       {@code [PID]};
 *   <li>QEMU's log timestamps: {@code TID@SEC.USEC:} (≤ 10.0) and {@code
 *       YYYY-MM-DDTHH:MM:SS.uuuuuuZ } (10.1+, briefly with {@code (TID) } after it);
 *   <li>SystemTap ({@code qemu-trace-stap}): {@code PID@NANOSECONDS };
 *   <li>dmesg: {@code [SECONDS.USEC] };
 *   <li>the program name of QEMU's error lines: {@code qemu-system-x86_64: }, Proxmox's {@code kvm:
 *       }, {@code qemu-kvm: };
 *   <li>Kata's logfmt records: the {@code msg="…"} field, unescaped.
 * </ul>
 */
final class LogPrefixes {
  /** More layers than any real logger nests; bounds the work on a hostile line. */
  private static final int MAX_LAYERS = 8;

  private static final Pattern JOURNAL =
      Pattern.compile(
          "(?:[A-Z][a-z]{2} +\\d{1,2} \\d\\d:\\d\\d:\\d\\d"
              + "|\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?[+-]\\d\\d:?\\d\\d)"
              + " \\S+ [^\\s\\[\\]:]+(?:\\[(\\d+)\\])?: ");
  private static final Pattern QEMU_ISO =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?Z (?:\\((\\d+)\\) )?");
  private static final Pattern QEMU_TID = Pattern.compile("(\\d+)@\\d+\\.\\d+:");
  private static final Pattern STAP = Pattern.compile("(\\d+)@\\d+ ");
  private static final Pattern DMESG = Pattern.compile("\\[\\s*\\d+\\.\\d+\\] ");
  private static final Pattern PROGRAM = Pattern.compile("(?:kvm|qemu-kvm|qemu-system-[\\w.-]+): ");
  private static final Pattern LOGFMT =
      Pattern.compile("[a-z_]+=.*?(?:^|\\s)msg=\"([^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+)\"");

  private enum Id {
    NONE,
    PROCESS,
    THREAD
  }

  private record Prefix(Pattern pattern, Id id) {}

  private static final ImmutableList<Prefix> PREFIXES =
      ImmutableList.of(
          new Prefix(JOURNAL, Id.PROCESS),
          new Prefix(QEMU_ISO, Id.THREAD),
          new Prefix(QEMU_TID, Id.THREAD),
          new Prefix(STAP, Id.PROCESS),
          new Prefix(DMESG, Id.NONE),
          new Prefix(PROGRAM, Id.NONE));

  private LogPrefixes() {}

  static LogLine strip(String raw) {
    String text = raw;
    Integer processId = null;
    Integer threadId = null;
    for (int layer = 0; layer < MAX_LAYERS; layer++) {
      Matcher logfmt = LOGFMT.matcher(text);
      if (logfmt.lookingAt()) {
        text = unescape(logfmt.group(1));
        continue;
      }
      Prefix found = null;
      Matcher match = null;
      for (Prefix prefix : PREFIXES) {
        match = prefix.pattern().matcher(text);
        if (match.lookingAt()) {
          found = prefix;
          break;
        }
      }
      if (found == null) {
        break;
      }
      Integer id = match.groupCount() > 0 ? id(match.group(1)) : null;
      if (id != null && found.id() == Id.PROCESS) {
        processId = id;
      } else if (id != null && found.id() == Id.THREAD) {
        threadId = id;
      }
      text = text.substring(match.end());
    }
    return new LogLine(text, processId, threadId);
  }

  /** A pid beyond 32 bits is no pid: the line keeps its text but names no process. */
  private static @Nullable Integer id(@Nullable String digits) {
    if (digits == null || digits.length() > 10) {
      return null;
    }
    long value = Long.parseLong(digits);
    return value > 0xffff_ffffL ? null : (int) value;
  }

  /** Undoes logfmt's Go-style quoting: {@code \"}, {@code \\}, {@code \n}, {@code \t}. */
  private static String unescape(String quoted) {
    StringBuilder text = new StringBuilder(quoted.length());
    for (int i = 0; i < quoted.length(); i++) {
      char c = quoted.charAt(i);
      if (c == '\\' && i + 1 < quoted.length()) {
        char next = quoted.charAt(++i);
        text.append(next == 'n' ? '\n' : next == 't' ? '\t' : next);
      } else {
        text.append(c);
      }
    }
    return text.toString();
  }
}
