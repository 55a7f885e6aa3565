package io.vfiomigrate.trace;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.TypeAdapter;
import com.google.protobuf.util.JsonFormat;

/**
 * The one JSON configuration of the project. Every JSON file and every JSON report prints fields
 * without presence even when zero (replay results must show "the full AccountingSnapshot, zeros
 * included"), so output is complete and stable; fields with presence (messages, oneof members,
 * proto3 {@code optional}) are printed only when set, which keeps "absent" distinguishable from
 * "zero". Field order is field-number order.
 */
final class JsonCodec {
  static final JsonFormat.Printer PRETTY =
      JsonFormat.printer().alwaysPrintFieldsWithNoPresence().sortingMapKeys();
  static final JsonFormat.Printer COMPACT = PRETTY.omittingInsignificantWhitespace();

  /** Rejects unknown fields: the format says an unknown JSON field is an error. */
  static final JsonFormat.Parser PARSER = JsonFormat.parser();

  /** Reads one JSON value of a stream without changing the reader's strictness. */
  static final TypeAdapter<JsonElement> ELEMENTS = new Gson().getAdapter(JsonElement.class);

  private JsonCodec() {}
}
