package io.vfiomigrate.cli.importer;

import com.google.common.collect.ImmutableList;
import io.vfiomigrate.proto.MapDma;
import io.vfiomigrate.proto.TraceHeader;
import io.vfiomigrate.proto.Type1Event;
import io.vfiomigrate.proto.UnmapDma;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs the importer on a log written to a file, and renders its events one short line each. */
final class Imports {
  /** What an import produced: the header, the events as {@link #text}, the summary. */
  record Imported(
      TraceHeader header, ImmutableList<String> events, QemuLogImporter.Result result) {}

  private Imports() {}

  static Imported run(Path directory, String log, ImportOptions options) throws IOException {
    Path file = Files.writeString(directory.resolve("qemu.log"), log);
    List<Type1Event> events = new ArrayList<>();
    try (QemuLogImporter.OpenLog open = QemuLogImporter.open(file)) {
      QemuLogImporter.Result result = new QemuLogImporter().run(open, options, events::add);
      return new Imported(
          result.header(),
          events.stream().map(Imports::text).collect(ImmutableList.toImmutableList()),
          result);
    }
  }

  static Imported run(Path directory, String log) throws IOException {
    return run(directory, log, ImportOptions.defaults());
  }

  /** {@code pid: op container args [expect ERRNO [unmapped N]]}, addresses in hex. */
  static String text(Type1Event event) {
    StringBuilder text = new StringBuilder(event.getPid() + ": ");
    switch (event.getOpCase()) {
      case CONTAINEROPEN -> text.append("open ").append(event.getContainerOpen().getContainer());
      case SETIOMMU ->
          text.append("setIommu ")
              .append(event.getSetIommu().getContainer())
              .append(' ')
              .append(event.getSetIommu().getType());
      case GROUPATTACH ->
          text.append("attach ")
              .append(event.getGroupAttach().getContainer())
              .append(" group ")
              .append(event.getGroupAttach().getGroup())
              .append(' ')
              .append(event.getGroupAttach().getKind());
      case GROUPDETACH ->
          text.append("detach ")
              .append(event.getGroupDetach().getContainer())
              .append(" group ")
              .append(event.getGroupDetach().getGroup());
      case MAPDMA -> {
        MapDma map = event.getMapDma();
        text.append("map ")
            .append(map.getContainer())
            .append(" iova 0x")
            .append(Long.toHexString(map.getIova()))
            .append(" size 0x")
            .append(Long.toHexString(map.getSize()))
            .append(" vaddr 0x")
            .append(Long.toHexString(map.getVaddr()))
            .append(map.getRead() ? " r" : " -")
            .append(map.getWrite() ? "w" : "-");
      }
      case UNMAPDMA -> {
        UnmapDma unmap = event.getUnmapDma();
        text.append("unmap ").append(unmap.getContainer());
        if (unmap.getAll()) {
          text.append(" all");
        } else {
          text.append(" iova 0x")
              .append(Long.toHexString(unmap.getIova()))
              .append(" size 0x")
              .append(Long.toHexString(unmap.getSize()));
        }
      }
      case CONTAINERCLOSE -> text.append("close ").append(event.getContainerClose().getContainer());
      default -> text.append(event.getOpCase());
    }
    if (event.hasExpect()) {
      text.append(" expect ").append(event.getExpect().getErrno());
      if (event.hasUnmapDma() && event.getExpect().getErrno().equals("OK")) {
        text.append(" unmapped 0x").append(Long.toHexString(event.getExpect().getUnmapped()));
      }
    }
    return text.toString();
  }
}
