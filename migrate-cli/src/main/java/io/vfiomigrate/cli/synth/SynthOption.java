package io.vfiomigrate.cli.synth;

/** The scenario options of {@code synth}, by their long names. */
enum SynthOption {
  DEVICES("devices"),
  RAM("ram"),
  BACKING("backing"),
  EVENTS("events"),
  VMS("vms"),
  CYCLES("cycles"),
  MEMLOCK("memlock");

  private final String longName;

  SynthOption(String longName) {
    this.longName = longName;
  }

  String longName() {
    return longName;
  }
}
