package io.vfiomigrate.iommufd.context;

/** {@code enum iommufd_object_type}: the kinds of objects an iommufd context holds. */
public enum ObjectKind {
  DEVICE,
  HWPT_PAGING,
  IOAS,
  ACCESS
}
