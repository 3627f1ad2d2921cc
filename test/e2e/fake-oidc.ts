/**
 * A minimal OpenID provider for the monitor's login test: discovery, an authorize endpoint that
 * signs the user straight in, and a token endpoint that checks the PKCE verifier (S256) against
 * the challenge before handing out the ID token it was given.
 */
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeOidc {
  issuer: string;
  /** Token requests that failed the PKCE or client check. */
  refused: string[];
  close(): Promise<void>;
}

export async function startFakeOidc(idToken: string, clientId: string): Promise<FakeOidc> {
  const codes = new Map<string, { challenge: string; redirect: string }>();
  const refused: string[] = [];
  let issuer = "";
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", issuer);
    const cors = { "access-control-allow-origin": "*" };
    if (url.pathname === "/.well-known/openid-configuration") {
      res.writeHead(200, { "content-type": "application/json", ...cors });
      res.end(JSON.stringify({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token` }));
    } else if (url.pathname === "/authorize") {
      const q = url.searchParams;
      const code = `code-${codes.size + 1}`;
      codes.set(code, { challenge: q.get("code_challenge") ?? "", redirect: q.get("redirect_uri") ?? "" });
      res.writeHead(302, { location: `${q.get("redirect_uri")}?code=${code}&state=${encodeURIComponent(q.get("state") ?? "")}` });
      res.end();
    } else if (url.pathname === "/token" && req.method === "POST") {
      let body = "";
      req.on("data", (c: Buffer) => { body += c.toString("utf8"); });
      req.on("end", () => {
        const f = new URLSearchParams(body);
        const issued = codes.get(f.get("code") ?? "");
        const verified = issued && createHash("sha256").update(f.get("code_verifier") ?? "").digest("base64url") === issued.challenge;
        if (!issued || !verified || f.get("client_id") !== clientId || f.get("redirect_uri") !== issued.redirect) {
          refused.push(body);
          res.writeHead(400, { "content-type": "application/json", ...cors }).end(JSON.stringify({ error: "invalid_grant" }));
          return;
        }
        codes.delete(f.get("code")!);
        res.writeHead(200, { "content-type": "application/json", ...cors }).end(JSON.stringify({ id_token: idToken, token_type: "Bearer" }));
      });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { issuer, refused, close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }) };
}
