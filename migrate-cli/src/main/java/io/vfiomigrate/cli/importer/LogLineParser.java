package io.vfiomigrate.cli.importer;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the text of one line, prefixes already stripped: a trace event ({@code NAME ARGS}, looked
 * up by name) or else one of the messages of {@link MessageFormats}, found anywhere in the line.
 * Stateless and thread-safe.
 */
final class LogLineParser {
  /** The log backend prints the name, one space, then the format (which may start with a space). */
  private static final Pattern EVENT = Pattern.compile("([a-z][a-z0-9_]*)(?:\\s+(.*))?");

  private final ImmutableMap<String, LineFormat> events;
  private final ImmutableList<MessageFormats.Message> messages;

  LogLineParser() {
    ImmutableMap.Builder<String, LineFormat> events = ImmutableMap.builder();
    for (LineFormat format :
        ImmutableList.<LineFormat>builder()
            .addAll(ListenerFormats.all())
            .addAll(DeviceFormats.all())
            .addAll(IommufdFormats.all())
            .build()) {
      events.put(format.kind(), format);
    }
    this.events = events.buildOrThrow();
    this.messages = MessageFormats.all();
  }

  ParseResult parse(String text) {
    String line = text.strip();
    Matcher event = EVENT.matcher(line);
    if (event.matches()) {
      LineFormat format = events.get(event.group(1));
      if (format != null) {
        return format.parse(event.group(2) == null ? "" : event.group(2));
      }
    }
    for (MessageFormats.Message message : messages) {
      if (message.head().matcher(line).find()) {
        return message.format().find(line);
      }
    }
    return new ParseResult.Unknown();
  }
}
