/**
 * The IOAS object and its ioctls ({@code ioas.c}): argument checks in the kernel's order, then
 * one io_pagetable call each.
 */
package io.vfiomigrate.iommufd.ioas;
