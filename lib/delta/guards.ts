/**
 * @module delta/guards
 *
 * Realm-safe type checks shared by the codecs. `instanceof Uint8Array` is
 * false for arrays made in another realm (a vm context, an iframe), so the
 * checks read the typed array's internal name instead.
 */

const toString = Object.prototype.toString;

/**
 * Whether `x` is a typed array whose element type is `name`.
 *
 * @param x - any value
 * @param name - e.g. "Uint8Array", "Int32Array", "Float64Array"
 * @returns true when `x` is a real typed array of that kind (subclasses such
 *   as Node's Buffer count as Uint8Array)
 * @throws never
 * @example
 * isTypedArray(new Uint8Array(2), "Uint8Array") // => true
 * isTypedArray([1, 2], "Uint8Array") // => false
 */
export function isTypedArray(x: unknown, name: string): boolean {
  // ArrayBuffer.isView checks an internal slot, so a plain object with a
  // forged Symbol.toStringTag cannot pass; the tag getter of a genuine typed
  // array always reports its real element type.
  return ArrayBuffer.isView(x) && toString.call(x) === "[object " + name + "]";
}
