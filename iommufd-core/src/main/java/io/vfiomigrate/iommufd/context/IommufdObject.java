package io.vfiomigrate.iommufd.context;

/**
 * {@code struct iommufd_object}: an object of a context's {@link ObjectTable}, with the id user
 * space names it by and a {@code users} count. The table holds one user; every object that
 * depends on this one (a HWPT on its IOAS, an attached device on its HWPT, a driver on its
 * device or access) holds another, and an object is only destroyed once the table's is the
 * last.
 */
public abstract class IommufdObject {
  private final ObjectKind kind;
  private int id;
  private int users = 1;

  protected IommufdObject(ObjectKind kind) {
    this.kind = kind;
  }

  public final int id() {
    return id;
  }

  final void assignId(int value) {
    id = value;
  }

  public final ObjectKind kind() {
    return kind;
  }

  /** {@code refcount_read(&obj->users)}. */
  public final int users() {
    return users;
  }

  /** {@code refcount_inc(&obj->users)}. */
  public final void addUser() {
    users++;
  }

  /** {@code refcount_dec(&obj->users)}. */
  public final void dropUser() {
    if (--users < 0) {
      throw new IllegalStateException(kind + " " + id + " users dropped below zero");
    }
  }

  /**
   * The kind's {@code destroy} op, called once the object left the table. Never fails: it
   * releases what the object holds.
   */
  protected abstract void destroyObject();

  /** The kind's {@code abort} op for an object that was never published; destroy by default. */
  protected void abortObject() {
    destroyObject();
  }

  @Override
  public String toString() {
    return kind + " " + id;
  }
}
