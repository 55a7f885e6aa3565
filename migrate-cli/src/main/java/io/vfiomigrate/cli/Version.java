package io.vfiomigrate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this build, from version.properties that Maven fills in. */
final class Version {
  private Version() {}

  static String current() {
    Properties properties = new Properties();
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return properties.getProperty("version", "unknown");
  }
}
