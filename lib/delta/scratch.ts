/**
 * @module delta/scratch
 *
 * One reusable output buffer for the encoders. They write into a buffer
 * sized for the worst case and return a `slice` of the bytes used; reusing
 * the buffer spares a large zero-filled allocation per call. Encoders are
 * synchronous and never call each other while holding it, so one buffer is
 * enough. Buffers above {@link SCRATCH_KEEP_BYTES} are not kept, so one huge
 * encode does not pin its memory forever.
 */

/** Largest scratch buffer kept between calls (16 MiB). */
export const SCRATCH_KEEP_BYTES = 16 * 1024 * 1024;

/** A byte buffer with a DataView over the same memory. */
export interface Scratch {
  /** The bytes. */
  readonly bytes: Uint8Array;
  /** A DataView over `bytes` (for the pack kernels). */
  readonly view: DataView;
}

let kept: Scratch | undefined;

/**
 * A buffer of at least `size` bytes; contents are arbitrary (not zeroed).
 *
 * @param size - bytes needed
 * @returns a scratch buffer, valid until the next call
 * @throws RangeError only if memory for a new buffer cannot be allocated
 * @example
 * const s = scratch(100); s.bytes.length >= 100 // => true
 */
export function scratch(size: number): Scratch {
  if (kept !== undefined && kept.bytes.length >= size) return kept;
  // Grow geometrically so a series of slightly larger calls does not reallocate each time.
  const cap = Math.max(size, Math.min(SCRATCH_KEEP_BYTES, kept === undefined ? 0 : kept.bytes.length * 2), 4096);
  const bytes = new Uint8Array(cap);
  const s: Scratch = { bytes, view: new DataView(bytes.buffer) };
  if (cap <= SCRATCH_KEEP_BYTES) kept = s;
  return s;
}
