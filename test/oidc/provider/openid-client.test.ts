import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBrowser } from "../../../lib/oidc/browser.js";
import { type ProviderServer, listenProvider } from "../../../lib/oidc/provider/index.js";
import { CLIENTS, REDIRECT, SECRET, USERS } from "./fixtures.js";

let srv: ProviderServer;
beforeAll(async () => {
  srv = await listenProvider({ clients: CLIENTS, users: USERS, misbehaviorParam: true });
});
afterAll(async () => {
  await srv?.close();
});

async function discover(clientId: string, auth: client.ClientAuth): Promise<client.Configuration> {
  const config = await client.discovery(new URL(srv.url), clientId, SECRET, auth, { execute: [client.allowInsecureRequests] });
  client.enableNonRepudiationChecks(config); // else openid-client does not verify the ID token signature
  return config;
}

async function login(config: client.Configuration, extra: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope: "openid profile email",
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    ...extra,
  });
  const res = await createBrowser().login(url.href, { username: "alice", password: "alice-pw", redirectUri: REDIRECT });
  return { callback: new URL(res.callbackUrl), verifier, state, nonce };
}

describe("openid-client v6 against our provider over HTTP", () => {
  it("discovery, authorizationCodeGrant with PKCE and nonce (signature checked), fetchUserInfo", async () => {
    const config = await discover("shop", client.ClientSecretBasic(SECRET));
    expect(config.serverMetadata().issuer).toBe(srv.url);
    const { callback, verifier, state, nonce } = await login(config);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    const claims = tokens.claims();
    expect(claims).toMatchObject({ iss: srv.url, sub: "u-alice", aud: "shop", nonce, email: "alice@example.com" });
    const info = await client.fetchUserInfo(config, tokens.access_token, claims?.sub as string);
    expect(info).toEqual({ sub: "u-alice", name: "Alice Liddell", given_name: "Alice", email: "alice@example.com", email_verified: true });
  });

  it("client_secret_post with an ES256 client", async () => {
    const config = await discover("poster", client.ClientSecretPost(SECRET));
    const { callback, verifier, state, nonce } = await login(config, { client_id: "poster" });
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    expect(tokens.claims()?.aud).toBe("poster");
  });

  it("a mix-up (wrong RFC 9207 iss) is rejected by openid-client", async () => {
    const config = await discover("shop", client.ClientSecretBasic(SECRET));
    const { callback, verifier, state, nonce } = await login(config, { misbehave: "wrong-iss-param" });
    await expect(
      client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true }),
    ).rejects.toMatchObject({ code: "OAUTH_INVALID_RESPONSE", cause: { message: expect.stringMatching(/"iss"/) } });
  });
});
