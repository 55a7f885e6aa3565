/**
 * Reading and writing trace, program and report files.
 *
 * <p><b>Formats.</b> Every file is one protobuf message in the standard JSON mapping or in binary
 * wire format. Readers choose by content (first non-whitespace byte '{' means JSON), writers by
 * extension ({@code .json} or {@code .pb}; anything else is rejected). A binary trace is the plain
 * wire format of {@code Type1Trace}, so {@code protoc --decode=vfiomigrate.v1.Type1Trace} reads
 * it; a JSON trace is what JsonFormat prints for the whole message, with one event per line.
 * JSON is printed with fields without presence included even when zero, and read strictly:
 * unknown fields and unknown enum values are errors in both encodings.
 *
 * <p><b>Streaming.</b> {@link io.vfiomigrate.trace.TraceReader} and {@link
 * io.vfiomigrate.trace.ProgramReader} hold one record at a time, {@link
 * io.vfiomigrate.trace.TraceWriter} and {@link io.vfiomigrate.trace.ProgramWriter} write one at a
 * time; the header must come first. {@link io.vfiomigrate.trace.MessageFiles} reads and writes
 * small files whole (reports). Readers check the header ({@link
 * io.vfiomigrate.trace.TraceHeaders}); all other semantics belong to {@code vfio-migrate
 * validate}.
 *
 * <p><b>Errors.</b> One exception, {@link io.vfiomigrate.trace.TraceFormatException}, with a
 * one-line message {@code FILE[: header|event N|op N|warning N][: field PATH]: DETAIL} (indexes
 * from 0) and a reason: malformed input, unreadable input, rejected output path, write failure.
 *
 * <p><b>Output safety.</b> Writers write a hidden temporary file next to the target and rename it
 * into place on {@code commit()}; {@code close()} without a commit, or any failure, leaves
 * nothing behind. Writers refuse to replace the input files they are given.
 */
package io.vfiomigrate.trace;
