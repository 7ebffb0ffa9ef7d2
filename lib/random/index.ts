/**
 * Seeded randomness for simulations and synthetic data (never Math.random).
 * @module random
 */
export { type Rng, createRng } from "./rng.js";
export { type WalkOptions, randomWalkPrices } from "./walk.js";
