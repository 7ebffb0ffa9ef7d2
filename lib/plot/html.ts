/**
 * Safe text for HTML outputs: escaped element text and script-embeddable JSON.
 * @module plot/html
 */

/**
 * Escapes text for an HTML attribute or element body.
 *
 * @example
 * escapeHtml('<b>"S&P"</b>'); // => "&#60;b&#62;&#34;S&#38;P&#34;&#60;/b&#62;"
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON that is safe inside a `<script>` element: no `</script>` or `<!--` in the data can
 * close or confuse it.
 *
 * @example
 * scriptJson("</script>"); // => '"\\u003c/script\\u003e"'
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
