/**
 * @module chubby/cell/size
 *
 * The contents limit: Chubby files are small (the paper's cap is 256 KiB) and sizes count UTF-8 bytes.
 */

/** Chubby's cap on a file's contents: 256 KiB. @example MAX_CONTENT_BYTES // => 262144 */
export const MAX_CONTENT_BYTES = 256 * 1024;

/**
 * The number of bytes a string takes in UTF-8 (lone surrogates count 3, as U+FFFD), without Buffer.
 *
 * @param s - any string
 * @returns its UTF-8 length in bytes
 * @example
 * utf8ByteLength("héllo"); // => 6
 * utf8ByteLength("😀");    // => 4
 */
export function utf8ByteLength(s: string): number {
  const len = s.length;
  let n = len;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < len && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: 2 code units, 4 bytes
      i++;
    } else n += 2; // 3 bytes (other BMP characters and lone surrogates)
  }
  return n;
}
