// Shared setup (not a test file): our provider over HTTP on 127.0.0.1 and the relying-party web
// app whose redirect URI is registered at it.
import { randomBytes } from "node:crypto";
import { type RpApp, listenRelyingPartyApp } from "../../../lib/oidc/conformance/index.js";
import { type ProviderServer, listenProvider } from "../../../lib/oidc/provider/index.js";
import { createRelyingParty, discover } from "../../../lib/oidc/rp/index.js";

export const USER = { sub: "u-alice", username: "alice", password: randomBytes(16).toString("base64url") };
export const CLAIMS = { name: "Alice <Liddell>", email: "alice@example.com", email_verified: true };

export interface AppFixture {
  app: RpApp;
  op: ProviderServer;
  close(): Promise<void>;
}

/** Starts the provider and the app (the app first: the provider must know its redirect URI). */
export async function startApp(): Promise<AppFixture> {
  const secret = randomBytes(32).toString("base64url");
  let op: ProviderServer | undefined;
  try {
    const app = await listenRelyingPartyApp({
      relyingParty: async (redirectUri) => {
        op = await listenProvider({
          clients: [{ client_id: "web-app", client_secret: secret, redirect_uris: [redirectUri], client_name: "The Web App" }],
          users: [{ ...USER, claims: CLAIMS }],
        });
        const metadata = await discover(op.url);
        return createRelyingParty({ metadata, clientId: "web-app", clientSecret: secret, redirectUri });
      },
    });
    const server = op as unknown as ProviderServer;
    return { app, op: server, close: async () => { await app.close(); await server.close(); } };
  } catch (e) {
    await op?.close();
    throw e;
  }
}
