/// <reference lib="dom" />
/**
 * Who the page calls the API as. Exactly the API's own auth, nothing baked into the page:
 * - bearer (local farm): the user pastes a token from the farm's token table; it stays in this
 *   browser's localStorage until they sign out.
 * - oidc (AWS): the studio's login, authorization code + PKCE (no client secret in a public
 *   page). The ID token goes to the API as a bearer token; API Gateway's JWT authorizer
 *   verifies it and the API reads `burstfarm:role` / `burstfarm:client` from its claims, so a
 *   client's login sees only its own jobs. Kept in sessionStorage (gone with the tab).
 */
export type AuthConfig =
  | { auth: "bearer"; apiBase: string }
  | { auth: "oidc"; apiBase: string; issuer: string; clientId: string; scope: string; audience?: string };

const tokenKey = "burstfarm.token";
const pkceKey = "burstfarm.pkce";

export function storedToken(config: AuthConfig): string | null {
  return (config.auth === "oidc" ? sessionStorage : localStorage).getItem(tokenKey);
}

export function storeToken(config: AuthConfig, token: string): void {
  (config.auth === "oidc" ? sessionStorage : localStorage).setItem(tokenKey, token.trim());
}

export function forgetToken(): void {
  localStorage.removeItem(tokenKey);
  sessionStorage.removeItem(tokenKey);
}

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function discovery(issuer: string): Promise<{ authorization_endpoint: string; token_endpoint: string }> {
  const res = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`OIDC discovery failed: ${res.status}`);
  return res.json();
}

/** Sends the browser to the studio's login page. */
export async function startLogin(config: Extract<AuthConfig, { auth: "oidc" }>): Promise<void> {
  const verifier = b64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = b64url(crypto.getRandomValues(new Uint8Array(16)));
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  sessionStorage.setItem(pkceKey, JSON.stringify({ verifier, state }));
  const { authorization_endpoint } = await discovery(config.issuer);
  const url = new URL(authorization_endpoint);
  const q = {
    response_type: "code", client_id: config.clientId, redirect_uri: redirectUri(), scope: config.scope,
    state, code_challenge: challenge, code_challenge_method: "S256", ...(config.audience ? { audience: config.audience } : {}),
  };
  for (const [k, v] of Object.entries(q)) url.searchParams.set(k, v);
  location.assign(url.toString());
}

/** On return from the login page (`?code=&state=`): exchange the code, keep the ID token. */
export async function finishLogin(config: Extract<AuthConfig, { auth: "oidc" }>): Promise<boolean> {
  const params = new URLSearchParams(location.search);
  const code = params.get("code");
  const saved = JSON.parse(sessionStorage.getItem(pkceKey) ?? "null") as { verifier: string; state: string } | null;
  if (!code || !saved || params.get("state") !== saved.state) return false;
  sessionStorage.removeItem(pkceKey);
  const { token_endpoint } = await discovery(config.issuer);
  const res = await fetch(token_endpoint, {
    method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri(), client_id: config.clientId, code_verifier: saved.verifier }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status}`);
  const tokens = (await res.json()) as { id_token?: string; access_token?: string };
  const token = tokens.id_token ?? tokens.access_token;
  if (!token) throw new Error("login returned no token");
  storeToken(config, token);
  history.replaceState(null, "", redirectUri() + location.hash);
  return true;
}

function redirectUri(): string {
  return `${location.origin}${location.pathname}`;
}
