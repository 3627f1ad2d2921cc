/**
 * The built monitor: the page's route table matches the API's contracts, the bundle carries no
 * schema code and no secrets, and the static handler serves the site and passes everything else on.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contracts } from "../../../lib/http/contract/index.ts";
import { builtMonitorAssets, monitorAssets, type MonitorAssets } from "../../../lib/monitor/index.ts";
import { routes } from "../../../lib/monitor/web/api.ts";

let assets: MonitorAssets;
let url = "";
let close: () => Promise<void>;

beforeAll(async () => {
  assets = await builtMonitorAssets();
  const handler = monitorAssets();
  const server = createServer(async (req, res) => {
    if (await handler(req, res)) return;
    res.writeHead(418).end("api");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((r) => server.close(() => r()));
});
afterAll(() => close?.());

describe("the monitor site", () => {
  it("calls every route with the method and path its contract declares", () => {
    for (const [name, route] of Object.entries(routes)) {
      const c = contracts[name as keyof typeof contracts];
      expect(`${c.method} ${c.path}`, name).toBe(route);
    }
  });

  it("bundles the page without the API's schema code or any token", () => {
    const js = assets.get("/app.js")!.body.toString("utf8");
    expect(js.length).toBeLessThan(400_000);
    expect(js).not.toContain("jobtemplate-2023-09");
    expect(js).not.toMatch(/token-[a-z]+-\d{8,}/);
    expect(JSON.parse(assets.get("/config.json")!.body.toString("utf8"))).toEqual({ auth: "bearer", apiBase: "" });
    expect(assets.get("/app.css")!.body.toString("utf8")).toContain(".uplot");
  });

  it("serves the page at / with a same-origin content security policy", async () => {
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await res.text()).toContain("<bf-app>");
    expect((await fetch(`${url}/app.js`)).headers.get("content-type")).toContain("javascript");
  });

  it("passes API paths and other methods on to the next handler", async () => {
    expect((await fetch(`${url}/jobs`)).status).toBe(418);
    expect((await fetch(`${url}/`, { method: "POST" })).status).toBe(418);
  });
});
