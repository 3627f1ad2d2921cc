/**
 * The web monitor in a real browser (Debian's chromium via playwright-core) against the real
 * API over dynalite and fauxqs, with a farm that has been running for two hours: the page
 * shows the jobs and follows their progress live, a wrangler's actions (edit a deadline,
 * requeue failed frames, drain a node) reach the API, the views are keyboard-usable and
 * labelled, and a client's token sees only its own jobs. Screenshots of every view go to
 * test-output/.
 */
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApi } from "../../lambdas/api.ts";
import { buildMonitorAssets, createMonitorHandler } from "../../lib/monitor/index.ts";
import { aRequest, tokens } from "../integration/http/harness.ts";
import { serveApi } from "./serve.ts";
import { launchChromium, screenshotDir } from "./browser.ts";
import { startFakeOidc } from "./fake-oidc.ts";
import { startMonitorFarm, type MonitorFarm } from "./monitor-farm.ts";

let farm: MonitorFarm;
let browser: Browser;
let page: Page;

const api = (path: string, token: string = tokens.operator) => farm.h.call(aRequest("GET", path).as(token));
const shot = (name: string) => page.screenshot({ path: join(screenshotDir, `monitor-${name}.png`), fullPage: true });
const row = (p: Page, name: string) => p.locator("table.jobs tbody tr", { has: p.getByRole("link", { name, exact: true }) });

async function signIn(p: Page, token: string, hash = ""): Promise<void> {
  await p.goto(`${farm.server.url}/?poll=500${hash}`);
  await p.getByLabel("API token").fill(token);
  await p.getByRole("button", { name: "Sign in" }).click();
}

beforeAll(async () => {
  farm = await startMonitorFarm();
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 860 } })).newPage();
  await signIn(page, tokens.operator);
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await farm?.stop();
});

describe("the monitor, as a wrangler uses it", () => {
  it("shows every job against its deadline and follows progress without a reload", async () => {
    // The first render waits for the farm's first plan: generous under a loaded machine.
    await expect.poll(() => page.locator("table.jobs tbody tr").count(), { timeout: 15_000 }).toBe(4);
    const comp = row(page, "ep3 comp");
    await expect.poll(() => comp.getAttribute("class"), { timeout: 15_000 }).toContain("at-risk");
    const done = async () => Number(await row(page, "sh010 beauty").locator(".f-done").textContent());
    const before = await done();
    expect(before).toBeGreaterThan(0);
    await farm.step();
    const apiDone = (await api(`/jobs/${farm.jobs.beauty}`)).body.progress.done;
    expect(apiDone).toBeGreaterThan(before);
    await expect.poll(done, { timeout: 5000 }).toBe(apiDone);
    await shot("jobs");
  });

  it("filters by client and at-risk, and sorts by a column", async () => {
    await page.getByLabel("Client").selectOption("studio-a");
    await expect.poll(() => page.locator("table.jobs tbody tr").count()).toBe(2);
    await page.getByLabel("Client").selectOption("");
    await page.getByLabel("at risk only").check();
    const risky = await page.locator("table.jobs tbody tr").count();
    expect(risky).toBeGreaterThanOrEqual(1);
    expect(await page.locator("table.jobs tbody tr:not(.at-risk)").count()).toBe(0);
    await page.getByLabel("at risk only").uncheck();
    await page.getByRole("button", { name: "Priority" }).click();
    await page.getByRole("button", { name: /Priority/ }).click();
    await expect.poll(() => page.locator("table.jobs tbody tr").first().locator("a").textContent()).toBe("ep3 fx sim");
  });

  it("acts on several selected jobs at once, after one confirmation", async () => {
    await page.getByLabel("Select sh010 beauty").check();
    await page.getByLabel("Select sh020 lookdev").check();
    await page.getByRole("toolbar").getByRole("button", { name: "Suspend" }).click();
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.textContent()).toContain("Suspend 2 jobs?");
    await dialog.getByRole("button", { name: "Suspend" }).click();
    for (const id of [farm.jobs.beauty, farm.jobs.review]) {
      await expect.poll(async () => (await api(`/jobs/${id}`)).body.suspended).toBe(true);
    }
    expect((await api(`/jobs/${farm.jobs.comp}`)).body.suspended).toBe(false);
    await expect.poll(() => page.locator("table.jobs tbody tr").filter({ hasText: "suspended" }).count()).toBe(2);
  });

  it("Job: frame grid with preview frames, why and its history; requeues failed frames", async () => {
    await page.getByRole("link", { name: "ep3 fx sim" }).click();
    const grid = page.locator(".grid[data-step=render] .cell");
    await expect.poll(() => grid.count()).toBe(12);
    expect(await page.locator(".grid .cell.preview").count()).toBe(3);
    const job = (await api(`/jobs/${farm.jobs.failing}`)).body;
    expect(await page.locator(".grid .cell[data-state=done]").count()).toBe(job.progress.done);
    expect(job.progress.failed).toBe(1);
    expect(await page.locator(".grid .cell[data-state=failed]").getAttribute("title")).toContain("frame 5");
    await expect.poll(() => page.locator(".why-now").textContent()).toContain(job.why.reason);
    await expect.poll(() => page.locator("ol.history li").filter({ hasText: "job.why" }).count()).toBeGreaterThanOrEqual(2);
    const logTask = page.locator("#log-task");
    expect(await logTask.locator("option", { hasText: "frame 5 · failed" }).getAttribute("value")).toBe(`${farm.jobs.failing}:render:4`);
    await logTask.selectOption(`${farm.jobs.failing}:render:4`);
    await expect.poll(() => page.locator("pre.log").textContent()).toContain("exit 139: segfault in fluid solver");
    await shot("job");
    await page.getByRole("button", { name: "Requeue failed" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Requeue" }).click();
    await expect.poll(async () => (await api(`/jobs/${farm.jobs.failing}`)).body.progress.failed).toBe(0);
  });

  it("Job: a deadline and priority change asks first, then reaches the API", async () => {
    const deadline = new Date(Date.now() + 5 * 3_600_000);
    deadline.setSeconds(0, 0);
    const local = new Date(deadline.getTime() - deadline.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    await page.getByLabel("Deadline", { exact: true }).fill(local);
    await page.getByLabel("Priority", { exact: true }).fill("95");
    await page.getByRole("button", { name: "Save…" }).click();
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.textContent()).toContain("priority 90 → 95");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect.poll(async () => (await api(`/jobs/${farm.jobs.failing}`)).body.priority).toBe(95);
    expect(Date.parse((await api(`/jobs/${farm.jobs.failing}`)).body.deadline)).toBe(deadline.getTime());
  });

  it("Job: the latest frames as 256 px thumbnails, live as frames finish; a thumbnail opens the frame in a modal dialog", async () => {
    const latest = async () => (await farm.h.call(aRequest("GET", `/jobs/${farm.jobs.comp}/outputs`).as(tokens.operator).withQuery({ limit: "12" }))).body.items as { frame: number; preview: boolean }[];
    await page.goto(`${farm.server.url}/?poll=500#/jobs/${farm.jobs.comp}`);
    const thumbs = page.locator("bf-latest-frames ul.thumbs img");
    const first = await latest();
    expect(first.length).toBeGreaterThan(0);
    await expect.poll(() => thumbs.count(), { timeout: 5000 }).toBe(Math.min(12, first.length));
    expect(await thumbs.first().getAttribute("alt")).toBe(`Frame ${first[0]!.frame}${first[0]!.preview ? " (preview)" : ""}, render`);
    const widths = await thumbs.evaluateAll((imgs) => imgs.map((i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight]));
    expect(new Set(widths.map((w) => w.join("×")))).toEqual(new Set(["256×144"]));
    expect(await page.locator("bf-latest-frames .badge").count()).toBe(first.slice(0, 12).filter((o) => o.preview).length);
    // Live: frames that finish appear without a reload.
    let now = first;
    for (let i = 0; i < 4 && now[0]!.frame === first[0]!.frame; i++) { await farm.step(); now = await latest(); }
    expect(now[0]!.frame).not.toBe(first[0]!.frame);
    await expect.poll(() => thumbs.first().getAttribute("alt"), { timeout: 5000 }).toContain(`Frame ${now[0]!.frame}`);
    await expect.poll(() => thumbs.evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth === 256))).toBe(true);
    await shot("job-thumbnails");

    const opener = page.getByRole("button", { name: `Open Frame ${now[0]!.frame}`, exact: false }).first();
    await opener.click();
    const dialog = page.getByRole("dialog");
    await expect.poll(() => dialog.getByRole("heading").textContent()).toContain(`Frame ${now[0]!.frame}`);
    const large = dialog.locator("img.frame-large");
    await expect.poll(() => large.evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBe(512);
    expect(await large.getAttribute("alt")).toContain(`Frame ${now[0]!.frame}`);
    // The viewport, as the wrangler sees it: a full-page shot would show the page below the backdrop.
    await page.screenshot({ path: join(screenshotDir, "monitor-frame-view.png") });
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toContain(`Open Frame ${now[0]!.frame}`);
    // A preview-first job's shape frames carry the preview badge.
    const review = (await farm.h.call(aRequest("GET", `/jobs/${farm.jobs.review}/outputs`).as(tokens.operator).withQuery({ limit: "12" }))).body.items as { preview: boolean }[];
    expect(review.some((o) => o.preview)).toBe(true);
    await page.goto(`${farm.server.url}/?poll=500#/jobs/${farm.jobs.review}`);
    await expect.poll(() => page.locator("bf-latest-frames .badge").count()).toBe(review.filter((o) => o.preview).length);
    await expect.poll(() => page.locator("bf-latest-frames img[alt*='(preview)']").count()).toBe(review.filter((o) => o.preview).length);
    await expect.poll(() => page.locator("bf-latest-frames img").evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth === 256))).toBe(true);
    await shot("job-preview-thumbnails");
    expect(await page.locator("#log-task").inputValue()).toBe(""); // the last job's chosen task does not follow to this one
  }, 60_000); // many steps and page loads: 30 s ran out on a machine also running three simulators

  it("Nodes: drain from the keyboard, with Esc cancelling and Enter confirming", async () => {
    await page.getByRole("link", { name: "Nodes" }).click();
    await expect.poll(() => page.locator("table.nodes tbody tr").count()).toBe(4);
    expect(await page.locator("tr[data-node=spot-1]").textContent()).toContain("c6i.8xlarge");
    const drain = page.getByRole("button", { name: "Drain r02" });
    await drain.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByRole("dialog").isVisible()).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    expect((await api("/nodes")).body.items.find((n: { id: string }) => n.id === "r02").desiredStatus).toBe("run");
    await drain.focus();
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").getByRole("button", { name: "Drain" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await api("/nodes")).body.items.find((n: { id: string }) => n.id === "r02").desiredStatus).toBe("drain");
    await expect.poll(() => page.locator("tr[data-node=r02] .status").textContent()).toBe("draining");
    await shot("nodes");
  });

  it("Farm: utilization, power over the tariff and cloud spend as charts; shares; budgets", async () => {
    await page.getByRole("link", { name: "Farm" }).click();
    await expect.poll(() => page.locator("bf-chart .uplot").count()).toBe(3);
    expect(await page.locator("table.shares tbody tr").count()).toBe(2);
    expect(await page.locator("table.budgets").textContent()).toContain("studio-b");
    // The one spot node (0.58/h) against the farm's ceiling (2/h, 4 instances).
    const ceiling = (await page.locator(".card.cloud-ceiling").textContent())!.replace(/\s+/g, " ");
    expect(ceiling).toContain("$0.58/h");
    expect(ceiling).toContain("of $2.00/h ceiling");
    expect(ceiling).toContain("1 of 4 instances");
    expect(await page.locator(".card.cloud-ceiling meter").evaluateAll((ms) => ms.map((m) => [(m as HTMLMeterElement).value, (m as HTMLMeterElement).max])))
      .toEqual([[0.58, 2], [1, 4]]);
    expect(await page.locator("main").textContent()).not.toContain("NaN");
    expect(await page.locator("bf-chart figure").first().getAttribute("aria-label")).toMatch(/^\d+ samples; now \d+ of \d+ slots busy$/);
    await page.waitForTimeout(200);
    await shot("farm");
  });

  it("labels every control and keeps keyboard focus visible", async () => {
    for (const hash of ["#/jobs", "#/nodes", "#/farm", `#/jobs/${farm.jobs.beauty}`]) {
      await page.goto(`${farm.server.url}/?poll=500${hash}`);
      await page.locator("main h1").first().waitFor();
      const unlabeled = await page.evaluate(() => Array.from(document.querySelectorAll("input, select, button, meter, progress"))
        .filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute("aria-label") && !(el.textContent ?? "").trim())
        .map((el) => el.outerHTML.slice(0, 80)));
      expect(unlabeled, hash).toEqual([]);
    }
    const fresh = await page.context().newPage();
    try {
      await fresh.goto(`${farm.server.url}/?poll=500#/farm`);
      await fresh.locator("main h1").first().waitFor();
      // A second page of a context opens in the background: keys reach it only once it is in front.
      await fresh.bringToFront();
      await fresh.locator("a.skip").waitFor({ state: "attached" });
      await fresh.keyboard.press("Tab");
      expect(await fresh.evaluate(() => document.activeElement?.className)).toBe("skip");
      await fresh.keyboard.press("Enter");
      expect(await fresh.evaluate(() => document.activeElement?.id)).toBe("main");
    } finally {
      await fresh.close();
    }
  });

  it("a client's token sees only its own jobs, not the farm", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 700 } });
    const client = await ctx.newPage();
    try {
      await signIn(client, tokens.clientB);
      await expect.poll(() => client.locator("table.jobs tbody tr").count()).toBe(2);
      const clients = await client.locator("table.jobs tbody tr td:nth-child(3)").allTextContents();
      expect(new Set(clients)).toEqual(new Set(["studio-b"]));
      expect(await client.getByRole("link", { name: "Nodes" }).count()).toBe(0);
      await client.screenshot({ path: join(screenshotDir, "monitor-client-jobs.png"), fullPage: true });
      await client.goto(`${farm.server.url}/?poll=500#/jobs/${farm.jobs.beauty}`);
      await expect.poll(() => client.getByRole("alert").textContent()).toContain("may not access");
      expect((await api(`/jobs/${farm.jobs.beauty}`, tokens.clientB)).status).toBe(403);
    } finally {
      await ctx.close();
    }
  });

  it("signs in through the studio's OIDC provider (code + PKCE) and sends the ID token as the bearer", async () => {
    const idp = await startFakeOidc(tokens.clientA, "burstfarm-monitor");
    const assets = await buildMonitorAssets({ auth: "oidc", apiBase: "", issuer: idp.issuer, clientId: "burstfarm-monitor", scope: "openid" });
    const site = await serveApi(createApi(farm.h.wired), createMonitorHandler(assets, { connectSrc: [idp.issuer] }));
    const ctx = await browser.newContext();
    try {
      const p = await ctx.newPage();
      await p.goto(`${site.url}/`);
      expect(await p.getByLabel("API token").count()).toBe(0);
      await p.getByRole("button", { name: "Sign in" }).click();
      await expect.poll(() => p.locator("table.jobs tbody tr").count(), { timeout: 10_000 }).toBe(2);
      expect(new Set(await p.locator("table.jobs tbody tr td:nth-child(3)").allTextContents())).toEqual(new Set(["studio-a"]));
      expect(p.url()).not.toContain("code=");
      expect(idp.refused).toEqual([]);
      expect(await p.evaluate(() => [localStorage.length, sessionStorage.getItem("burstfarm.token")])).toEqual([0, tokens.clientA]);
    } finally {
      await ctx.close();
      await site.close();
      await idp.close();
    }
  });
});
