/// <reference lib="dom" />
/**
 * "Latest frames": thumbnails of the job's most recently finished frames (newest first, preview
 * frames badged), refreshed with the job view's polling. A thumbnail opens a modal dialog with
 * the frame itself (the thumbnail when the frame is not a PNG the API serves); Esc or Close
 * shuts it and focus returns to the thumbnail. Images are fetched with the bearer token
 * (Api.blob) and shown through object URLs, revoked once no longer listed, on close and when
 * the view goes away.
 */
import { html, nothing, type PropertyValues } from "lit";
import { ApiError, type Api, type JobOutput } from "./api.ts";
import { LightElement } from "./base.ts";
import { when } from "./format.ts";

export const shownFrames = 12;

const idOf = (o: JobOutput) => `${o.taskId}|${o.frame}|${o.settledAt}`;
const label = (o: JobOutput) => `Frame ${o.frame}${o.preview ? " (preview)" : ""}, ${o.stepName}`;

export class LatestFrames extends LightElement {
  declare api: Api;
  declare jobId: string;
  declare items: JobOutput[];
  declare viewing: { item: JobOutput; url: string | null; note: string } | null;
  declare note: string;
  /** Object URLs of thumbnails by item id. */
  private readonly thumbs = new Map<string, string>();
  private opener: HTMLElement | null = null;
  private loading: { jobId: string; done: Promise<void> } | null = null;

  static override properties = {
    api: { attribute: false }, jobId: { attribute: "job-id" },
    items: { state: true }, viewing: { state: true }, note: { state: true },
  };

  constructor() {
    super();
    this.jobId = "";
    this.items = [];
    this.viewing = null;
    this.note = "";
  }

  /** Called by the job view on each poll (and once when the job is set). */
  refresh(): Promise<void> {
    // One load at a time per job: a slow image fetch never doubles up with the next poll.
    if (this.loading?.jobId === this.jobId) return this.loading.done;
    const jobId = this.jobId;
    const done = this.load(jobId).finally(() => { if (this.loading?.done === done) this.loading = null; });
    this.loading = { jobId, done };
    return done;
  }

  /** Another job's load still running when the view moved on finds `jobId` changed and drops what it got. */
  private async load(jobId: string): Promise<void> {
    if (!jobId) return;
    const stale = () => jobId !== this.jobId;
    let items: JobOutput[];
    try {
      items = (await this.api.call("listJobOutputs", { params: { id: jobId }, query: { limit: shownFrames } })).items;
    } catch (err) {
      if (!stale()) this.note = err instanceof ApiError ? err.message : `frames unavailable: ${(err as Error).message}`;
      return;
    }
    await Promise.all(items.filter((o) => o.hasThumbnail && !this.thumbs.has(idOf(o))).map(async (o) => {
      try {
        const url = URL.createObjectURL(await this.api.blob("getFrameThumbnail", { params: { id: jobId, taskId: o.taskId, n: String(o.frame) } }));
        if (stale()) URL.revokeObjectURL(url);
        else this.thumbs.set(idOf(o), url);
      } catch { /* shown as a placeholder; tried again next poll */ }
    }));
    if (stale()) return;
    const keep = new Set([...items.map(idOf), ...(this.viewing ? [idOf(this.viewing.item)] : [])]);
    for (const [id, url] of this.thumbs) if (!keep.has(id)) { URL.revokeObjectURL(url); this.thumbs.delete(id); }
    this.items = items;
    this.note = "";
  }

  override willUpdate(changed: PropertyValues<this>): void {
    // Another job: nothing of the last one stays on screen or in memory.
    if (changed.has("jobId") && changed.get("jobId")) this.forget();
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has("jobId")) void this.refresh();
    const dialog = this.querySelector<HTMLDialogElement>("dialog.frame-view");
    if (this.viewing && dialog && !dialog.open) dialog.showModal();
  }

  private forget(): void {
    for (const url of this.thumbs.values()) URL.revokeObjectURL(url);
    this.thumbs.clear();
    if (this.viewing?.url) URL.revokeObjectURL(this.viewing.url);
    this.viewing = null;
    this.items = [];
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.forget();
  }

  private async open(item: JobOutput, e: Event): Promise<void> {
    this.opener = e.currentTarget as HTMLElement;
    this.viewing = { item, url: null, note: "Loading the frame…" };
    try {
      const blob = await this.api.blob("getFrameImage", { params: { id: this.jobId, taskId: item.taskId, n: String(item.frame) } });
      if (this.viewing?.item !== item) return;
      this.viewing = { item, url: URL.createObjectURL(blob), note: "" };
    } catch (err) {
      if (this.viewing?.item !== item) return;
      const why = err instanceof ApiError && err.status === 404 ? "the frame is not a PNG the monitor can show" : (err as Error).message;
      this.viewing = { item, url: null, note: `Showing the thumbnail: ${why}.` };
    }
  }

  /** The dialog closed (Esc, Close): free the frame, give focus back to its thumbnail. */
  private closed(): void {
    if (this.viewing?.url) URL.revokeObjectURL(this.viewing.url);
    this.viewing = null;
    const opener = this.opener;
    this.opener = null;
    opener?.focus();
  }

  override render() {
    const v = this.viewing;
    return html`
      ${this.note ? html`<p class="sub">${this.note}</p>` : nothing}
      ${this.items.length === 0
        ? html`<p class="sub">No finished frames reported yet.</p>`
        : html`<ul class="thumbs" aria-label="Latest frames, newest first">${this.items.map((o) => this.thumb(o))}</ul>`}
      ${v ? html`<dialog class="frame-view" aria-labelledby="frame-view-title" @close=${() => this.closed()}>
        <h2 id="frame-view-title">${label(v.item)}</h2>
        <p class="sub">task ${v.item.taskIndex} · finished ${when(v.item.settledAt)} · <code>${v.item.key}</code></p>
        ${v.url ?? this.thumbs.get(idOf(v.item))
          ? html`<img class="frame-large" src=${v.url ?? this.thumbs.get(idOf(v.item))!} alt=${label(v.item)}>`
          : nothing}
        ${v.note ? html`<p class="sub" role="status">${v.note}</p>` : nothing}
        <form method="dialog"><button value="close" autofocus>Close</button></form>
      </dialog>` : nothing}`;
  }

  private thumb(o: JobOutput) {
    const url = this.thumbs.get(idOf(o));
    return html`<li>
      <button class="thumb" @click=${(e: Event) => this.open(o, e)} aria-label="Open ${label(o)}">
        ${url ? html`<img src=${url} alt=${label(o)}>` : html`<span class="no-thumb">no thumbnail</span>`}
        ${o.preview ? html`<span class="badge">preview</span>` : nothing}
      </button>
      <span class="cap">frame ${o.frame}</span>
    </li>`;
  }
}
customElements.define("bf-latest-frames", LatestFrames);
