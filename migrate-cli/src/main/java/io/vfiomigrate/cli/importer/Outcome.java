package io.vfiomigrate.cli.importer;

/** What the log says about the result of a request when it is made. */
enum Outcome {
  /** The legacy listener events come before the ioctl and never say; only error lines tell. */
  UNREPORTED,
  /** iommufd's trace printed a return of 0. */
  SUCCEEDED,
  /** iommufd's trace printed -1; the errno, if anywhere, is in an error line that follows. */
  FAILED
}
