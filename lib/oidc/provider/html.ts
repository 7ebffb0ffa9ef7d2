/**
 * @module oidc/provider/html
 *
 * The provider's HTML pages: login, consent and error. Every value from configuration or from
 * a request goes through {@link escapeHtml}, the pages carry no script, and the forms carry a
 * CSRF token in a hidden field.
 */

/**
 * Escapes text for HTML element content and double- or single-quoted attribute values.
 *
 * @param text - any text
 * @returns the text with `& < > " '` replaced by character references
 * @throws never
 * @example
 * escapeHtml('<script>alert("x")</script>'); // => "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
 */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem}input[type=text],input[type=password]{width:100%;padding:.4rem;box-sizing:border-box}
button{margin:1rem .5rem 0 0;padding:.5rem 1.2rem}.error{color:#a00}.muted{color:#666;font-size:.9rem}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}

/** What the login page shows. */
export interface LoginPageInput {
  /** Form action (the login endpoint's path). */
  action: string;
  /** The interaction id (hidden field). */
  interaction: string;
  /** The CSRF token (hidden field). */
  csrf: string;
  /** The client's display name. */
  clientName: string;
  /** The username typed last time, when the login failed. */
  username?: string;
  /** An error to show. */
  error?: string;
}

/**
 * The login page: a form posting username and password.
 *
 * @param input - see {@link LoginPageInput}
 * @returns a complete HTML document
 * @throws never
 * @example
 * loginPage({ action: "/login", interaction: "i1", csrf: "c1", clientName: "Shop" }).includes('name="password"'); // => true
 */
export function loginPage(input: LoginPageInput): string {
  const err = input.error === undefined ? "" : `<p class="error" role="alert">${escapeHtml(input.error)}</p>\n`;
  return page(
    "Sign in",
    `<p>to continue to <strong>${escapeHtml(input.clientName)}</strong></p>
${err}<form method="post" action="${escapeHtml(input.action)}" id="login">
<input type="hidden" name="interaction" value="${escapeHtml(input.interaction)}">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}">
<label for="username">Username</label>
<input type="text" id="username" name="username" autocomplete="username" required value="${escapeHtml(input.username ?? "")}">
<label for="password">Password</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`,
  );
}

/** What the consent page shows. */
export interface ConsentPageInput {
  action: string;
  interaction: string;
  csrf: string;
  clientName: string;
  /** The signed-in user's username. */
  username: string;
  /** The user's display name, if any. */
  displayName?: string;
  /** The scopes asked for, with a description each. */
  scopes: { scope: string; description: string }[];
}

/**
 * The consent page: what the client asks for, with Allow and Deny buttons.
 *
 * @param input - see {@link ConsentPageInput}
 * @returns a complete HTML document
 * @throws never
 * @example
 * consentPage({ action: "/consent", interaction: "i", csrf: "c", clientName: "Shop", username: "alice",
 *   scopes: [{ scope: "openid", description: "your identity" }] }).includes('value="approve"'); // => true
 */
export function consentPage(input: ConsentPageInput): string {
  const who = input.displayName === undefined ? escapeHtml(input.username) : `${escapeHtml(input.displayName)} (${escapeHtml(input.username)})`;
  const items = input.scopes.map((s) => `<li><code>${escapeHtml(s.scope)}</code>: ${escapeHtml(s.description)}</li>`).join("\n");
  return page(
    "Allow access?",
    `<p class="muted">Signed in as <span id="user">${who}</span></p>
<p><strong>${escapeHtml(input.clientName)}</strong> asks to:</p>
<ul>
${items}
</ul>
<form method="post" action="${escapeHtml(input.action)}" id="consent">
<input type="hidden" name="interaction" value="${escapeHtml(input.interaction)}">
<input type="hidden" name="csrf" value="${escapeHtml(input.csrf)}">
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

/**
 * An error page (used where redirecting would be unsafe, e.g. an unregistered redirect_uri).
 *
 * @param error - the OAuth error code or a short title
 * @param description - what went wrong
 * @returns a complete HTML document
 * @throws never
 * @example
 * errorPage("invalid_request", "redirect_uri is not registered").includes("not registered"); // => true
 */
export function errorPage(error: string, description: string): string {
  return page("Something went wrong", `<p class="error"><code id="error">${escapeHtml(error)}</code></p>\n<p id="error_description">${escapeHtml(description)}</p>`);
}
