/**
 * @module oidc/rp/http
 *
 * The relying party talks HTTP through one injectable function with the WHATWG `fetch` shape,
 * always called with a single `Request`. So the same code runs over real HTTP (the global
 * `fetch`) or in-process against a provider that exposes `fetch(request)`.
 */

/**
 * What the relying party calls to make a request: `globalThis.fetch` fits, and so does any
 * in-process handler `(request: Request) => Promise<Response>`.
 *
 * @example
 * const f: FetchLike = (req) => fetch(req);
 */
export type FetchLike = (request: Request) => Promise<Response>;

/** The global fetch, wrapped to the {@link FetchLike} shape. */
export const defaultFetch: FetchLike = (request) => fetch(request);

/**
 * True when `s` parses as an absolute URL.
 *
 * @param s - the candidate
 * @returns whether `new URL(s)` succeeds
 * @example
 * isAbsoluteUrl("http://127.0.0.1:3000/cb"); // => true
 */
export function isAbsoluteUrl(s: unknown): s is string {
  if (typeof s !== "string") return false;
  try {
    new URL(s);
    return true;
  } catch {
    return false;
  }
}

/** The most bytes of a JSON response the relying party reads (discovery, JWKS, token, UserInfo). */
export const MAX_JSON_BYTES = 1 << 20;

/**
 * Reads a response body as a JSON object. Returns `undefined` (never throws) when the body is
 * not JSON, not an object, or larger than {@link MAX_JSON_BYTES}.
 *
 * @param res - the response
 * @returns the parsed object, or undefined
 * @example
 * await readJsonObject(new Response('{"a":1}')); // => { a: 1 }
 */
export async function readJsonObject(res: Response): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await res.text();
  } catch {
    return undefined;
  }
  if (text.length > MAX_JSON_BYTES) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
