/// <reference lib="dom" />
/**
 * The page shell: sign-in (a pasted bearer token locally, the studio's OIDC login in AWS),
 * navigation between Jobs, Job, Nodes and Farm by URL hash (so every view is a link and the
 * back button works), and one live region for messages. Operators see all four views; a
 * client's token sees its own jobs only (the API enforces it; the page just hides the rest).
 */
import { html, nothing } from "lit";
import { ApiError, createApi, type Api } from "./api.ts";
import { finishLogin, forgetToken, startLogin, storedToken, storeToken, type AuthConfig } from "./auth.ts";
import { LightElement } from "./base.ts";
import "./farm-view.ts";
import "./job-detail.ts";
import "./jobs-view.ts";
import "./nodes-view.ts";

type Route = { view: "jobs" } | { view: "job"; id: string } | { view: "nodes" } | { view: "farm" };
type Role = "operator" | "client" | null;

function parseRoute(hash: string): Route {
  const [, view, id] = hash.replace(/^#/, "").split("/");
  if (view === "jobs" && id) return { view: "job", id: decodeURIComponent(id) };
  if (view === "nodes" || view === "farm") return { view };
  return { view: "jobs" };
}

export class MonitorApp extends LightElement {
  declare config: AuthConfig | null;
  declare route: Route;
  declare role: Role;
  declare message: { text: string; kind: "info" | "error" } | null;
  declare signInError: string | null;
  private api: Api | undefined;

  static override properties = { config: { state: true }, route: { state: true }, role: { state: true }, message: { state: true }, signInError: { state: true } };

  constructor() {
    super();
    this.config = null;
    this.route = parseRoute(location.hash);
    this.role = null;
    this.message = null;
    this.signInError = null;
    addEventListener("hashchange", () => { this.route = parseRoute(location.hash); });
    this.addEventListener("bf-announce", (e) => {
      const { message, kind } = (e as CustomEvent<{ message: string; kind: "info" | "error" }>).detail;
      this.message = { text: message, kind };
      if (kind === "error" && /401|unknown token|expected 'Bearer/.test(message)) this.signOut();
    });
  }

  override async connectedCallback(): Promise<void> {
    super.connectedCallback();
    const config = (await (await fetch("config.json")).json()) as AuthConfig;
    if (config.auth === "oidc") await finishLogin(config).catch((err: Error) => { this.signInError = err.message; });
    this.config = config;
    this.api = createApi(config.apiBase, () => (this.config ? storedToken(this.config) : null));
    if (storedToken(config)) await this.detectRole();
  }

  /** Operators may read the farm; a client token gets 403 there. */
  private async detectRole(): Promise<void> {
    try {
      await this.api!.call("getFarm");
      this.role = "operator";
    } catch (err) {
      if (err instanceof ApiError && err.status === 403) this.role = "client";
      else { this.signInError = (err as Error).message; forgetToken(); this.role = null; }
    }
  }

  private async signIn(e: Event): Promise<void> {
    e.preventDefault();
    const token = String(new FormData(e.target as HTMLFormElement).get("token") ?? "").trim();
    if (!token) { this.signInError = "Enter a token"; return; }
    storeToken(this.config!, token);
    this.signInError = null;
    await this.detectRole();
  }

  private signOut(): void {
    forgetToken();
    this.role = null;
  }

  override render() {
    if (!this.config) return html`<p>Loading…</p>`;
    if (!this.role) return this.signInForm();
    const r = this.route;
    const tab = (view: "jobs" | "nodes" | "farm", label: string) => html`<a href="#/${view}" aria-current=${r.view === view || (view === "jobs" && r.view === "job") ? "page" : "false"}>${label}</a>`;
    return html`
      <a class="skip" href="#main">Skip to content</a>
      <header>
        <span class="brand">burstfarm</span>
        <nav aria-label="Views">${tab("jobs", "Jobs")}${this.role === "operator" ? html`${tab("nodes", "Nodes")}${tab("farm", "Farm")}` : nothing}</nav>
        <span class="who">${this.role === "operator" ? "operator" : "client"} <button class="link" @click=${() => this.signOut()}>Sign out</button></span>
      </header>
      <div class="live ${this.message?.kind ?? ""}" role="status" aria-live="polite">${this.message?.text ?? ""}${this.message ? html` <button class="link" aria-label="Dismiss message" @click=${() => { this.message = null; }}>×</button>` : nothing}</div>
      <main id="main" tabindex="-1">${this.view(r)}</main>`;
  }

  private view(r: Route) {
    const poll = Number(new URLSearchParams(location.search).get("poll") ?? 3000);
    switch (r.view) {
      case "job": return html`<bf-job .api=${this.api} job-id=${r.id} poll-ms=${poll}></bf-job>`;
      case "nodes": return this.role === "operator" ? html`<bf-nodes .api=${this.api} poll-ms=${poll}></bf-nodes>` : html`<p>Operators only.</p>`;
      case "farm": return this.role === "operator" ? html`<bf-farm .api=${this.api} poll-ms=${poll}></bf-farm>` : html`<p>Operators only.</p>`;
      default: return html`<bf-jobs .api=${this.api} poll-ms=${poll} ?operator=${this.role === "operator"}></bf-jobs>`;
    }
  }

  private signInForm() {
    const c = this.config!;
    return html`<main id="main" class="signin">
      <h1>burstfarm monitor</h1>
      ${c.auth === "oidc"
        ? html`<p>Sign in with your studio account.</p><button @click=${() => startLogin(c)}>Sign in</button>`
        : html`<form @submit=${(e: Event) => this.signIn(e)}>
            <label for="token">API token</label>
            <input id="token" name="token" type="password" autocomplete="off" required minlength="16" aria-describedby="token-help">
            <p id="token-help" class="sub">A token from this farm's token table (BURSTFARM_TOKENS). It stays in this browser until you sign out.</p>
            <button type="submit">Sign in</button>
          </form>`}
      ${this.signInError ? html`<p role="alert" class="error">${this.signInError}</p>` : nothing}
    </main>`;
  }
}
customElements.define("bf-app", MonitorApp);
