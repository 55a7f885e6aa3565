package io.vfiomigrate.cli.report;

import io.vfiomigrate.proto.Divergence;

/**
 * {@code diff --json}: a {@code DiffReport} streamed one divergence at a time, exactly as
 * protobuf's printer prints the whole message. A divergence no rule explains has an empty {@code
 * rule}, as the schema says.
 */
public final class DivergenceJson {
  private final JsonArrayWriter writer;

  public DivergenceJson(Appendable out, String left, String right) {
    this.writer =
        new JsonArrayWriter(
            out,
            JsonArrayWriter.field("left", JsonText.string(left))
                + JsonArrayWriter.field("right", JsonText.string(right)),
            "divergences");
  }

  public void divergence(Divergence divergence) {
    StringBuilder body = new StringBuilder(256);
    StepJson.line(body, 4, "step", JsonText.uint32(divergence.getStep()), true);
    StepJson.line(body, 4, "field", JsonText.string(divergence.getField()), true);
    StepJson.line(body, 4, "left", JsonText.string(divergence.getLeft()), true);
    StepJson.line(body, 4, "right", JsonText.string(divergence.getRight()), true);
    StepJson.line(body, 4, "rule", JsonText.string(divergence.getRule()), true);
    StepJson.line(body, 4, "explanation", JsonText.string(divergence.getExplanation()), false);
    writer.element(body.toString());
  }

  public void finish() {
    writer.finish();
  }
}
