package io.vfiomigrate.cli.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.Type1Trace;
import java.nio.file.Path;

/** Small traces for tests, written as the JSON a person would write. */
public final class Traces {
  /** The repository's examples directory, from the module directory tests run in. */
  public static final Path EXAMPLES = Path.of("..", "examples");

  /** One task, pid 100 uid 1000, 64 MiB memlock, with 64 MiB of ANON memory at 0x7f0000000000. */
  public static final String HEADER =
      """
      {"formatVersion": 1, "pageSize": "4096",
       "tasks": [{"pid": 100, "uid": 1000, "memlockLimit": "67108864"}],
       "memory": [{"pid": 100, "vaddr": "139637976727552", "size": "67108864", "backing": "ANON"}]}
      """;

  private Traces() {}

  /** A read-write mapDma of pid 100 in container 1, of its memory at 0x7f0000000000 + iova. */
  public static String map(long iova, long size) {
    return "{\"pid\": 100, \"mapDma\": {\"container\": 1, \"vaddr\": \""
        + (0x7f0000000000L + iova)
        + "\", \"iova\": \""
        + iova
        + "\", \"size\": \""
        + size
        + "\", \"read\": true, \"write\": true}}";
  }

  /** An unmapDma of pid 100 in container 1. */
  public static String unmap(long iova, long size) {
    return "{\"pid\": 100, \"unmapDma\": {\"container\": 1, \"iova\": \""
        + iova
        + "\", \"size\": \""
        + size
        + "\"}}";
  }

  public static TraceHeader header(String json) {
    TraceHeader.Builder header = TraceHeader.newBuilder();
    merge(json, header);
    return header.build();
  }

  /** An event from its JSON, e.g. {@code {"pid": 100, "containerOpen": {"container": 1}}}. */
  public static Type1Event event(String json) {
    Type1Event.Builder event = Type1Event.newBuilder();
    merge(json, event);
    return event.build();
  }

  /** A trace of {@link #HEADER} and events given as JSON, one per string. */
  public static Type1Trace trace(String... events) {
    Type1Trace.Builder trace = Type1Trace.newBuilder().setHeader(header(HEADER));
    for (String event : events) {
      trace.addEvents(event(event));
    }
    return trace.build();
  }

  private static void merge(String json, com.google.protobuf.Message.Builder builder) {
    try {
      JsonFormat.parser().merge(json, builder);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException(json, e);
    }
  }
}
