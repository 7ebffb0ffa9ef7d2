/**
 * Small hash building blocks shared across concepts (non-cryptographic).
 * @module hash
 */
export { fmix32 } from "./fmix32.js";
