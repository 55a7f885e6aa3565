package io.vfiomigrate.host;

import io.vfiomigrate.api.U64;
import java.math.BigInteger;

/**
 * One region of a task's address space ({@code vm_area_struct}) and the page frames behind
 * it. The frames are a deterministic function of the region's place in the host config:
 * chunk {@code c} of the region sits at chunk {@code perm(c)} of the region's private PFN
 * pool, where {@code perm(c) = (multiplier * c + offset) mod nchunks}. The multiplier is
 * coprime with {@code nchunks} (so perm is a bijection) and is never 1, so consecutive chunks
 * are never physically adjacent: ANON pages are all physically scattered and huge pages are
 * contiguous only within themselves.
 */
final class Vma {
  private final RegionSpec spec;
  private final long npages;
  private final long basePfn;
  private final long chunkPages;
  private final long nchunks;
  private final long multiplier;
  private final long inverse;
  private final long offset;
  private final PinCounts pins = new PinCounts();

  Vma(RegionSpec spec, long basePfn, long pageSize) {
    this.spec = spec;
    this.npages = spec.size() / pageSize;
    this.basePfn = basePfn;
    long chunk = spec.backing().chunkPages();
    this.chunkPages = chunk == 0 ? npages : chunk;
    this.nchunks = (npages + chunkPages - 1) / chunkPages;
    this.multiplier = chooseMultiplier(nchunks);
    this.inverse = nchunks == 1 ? 0 : BigInteger.valueOf(multiplier)
        .modInverse(BigInteger.valueOf(nchunks)).longValueExact();
    // With two chunks the multiplier must be 1, so the offset swaps them instead.
    this.offset = nchunks == 2 ? 1 : nchunks / 3;
  }

  /** A multiplier coprime with n and different from 1 (any for n below 3). */
  private static long chooseMultiplier(long n) {
    if (n < 3) {
      return 1;
    }
    long candidate = Math.max(2, (long) (n * 0.6180339887498949));
    while (BigInteger.valueOf(candidate).gcd(BigInteger.valueOf(n)).longValue() != 1
        || candidate % n == 1) {
      candidate = candidate + 1 >= n ? 2 : candidate + 1;
    }
    return candidate;
  }

  RegionSpec spec() {
    return spec;
  }

  long vmStart() {
    return spec.vaddr();
  }

  /** Inclusive last byte of the VMA. */
  long vmLast() {
    return spec.vaddr() + spec.size() - 1;
  }

  long npages() {
    return npages;
  }

  /** VM_PFNMAP: GUP refuses it, follow_pfnmap resolves it to reserved frames. */
  boolean isPfnmap() {
    return spec.backing() == Backing.MMIO;
  }

  boolean readOnly() {
    return spec.readOnly();
  }

  /** PFNs this VMA's pool spans, holes of a partial last chunk included. */
  long poolPages() {
    return nchunks * chunkPages;
  }

  long basePfn() {
    return basePfn;
  }

  PinCounts pins() {
    return pins;
  }

  long pfn(long index) {
    long chunk = index / chunkPages;
    return basePfn + permute(chunk) * chunkPages + index % chunkPages;
  }

  /** The page index backed by {@code pfn}, or -1 if no page of this VMA is there. */
  long index(long pfn) {
    long rel = pfn - basePfn;
    if (rel < 0 || rel >= poolPages()) {
      return -1;
    }
    long chunk = nchunks == 1 ? 0 : mulMod(Math.floorMod(rel / chunkPages - offset, nchunks),
        inverse, nchunks);
    long index = chunk * chunkPages + rel % chunkPages;
    return index < npages ? index : -1;
  }

  /** Pages from {@code index} to the end of its physically contiguous chunk. */
  long contiguousPages(long index) {
    long chunkEnd = Math.min((index / chunkPages + 1) * chunkPages, npages);
    return chunkEnd - index;
  }

  /** Index of the page holding {@code vaddr}, which must lie inside the VMA. */
  long indexOf(long vaddr, long pageSize) {
    return (vaddr - spec.vaddr()) / pageSize;
  }

  boolean contains(long vaddr) {
    return U64.lessOrEqual(vmStart(), vaddr) && U64.lessOrEqual(vaddr, vmLast());
  }

  private long permute(long chunk) {
    return nchunks == 1 ? 0 : (mulMod(multiplier, chunk, nchunks) + offset) % nchunks;
  }

  private static long mulMod(long a, long b, long m) {
    if (Math.multiplyHigh(a, b) == 0 && a * b >= 0) {
      return (a * b) % m;
    }
    return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b))
        .mod(BigInteger.valueOf(m)).longValue();
  }
}
