/// <reference lib="dom" />
/**
 * Components render into light DOM: one stylesheet for the page (and uPlot's), and tests and
 * assistive tech see one plain document.
 */
import { LitElement } from "lit";
import type { Api } from "./api.ts";

export class LightElement extends LitElement {
  override createRenderRoot(): HTMLElement {
    return this;
  }
}

/** Tells the app to show a message in the live region (errors, "saved"). */
export function announce(from: HTMLElement, message: string, kind: "info" | "error" = "info"): void {
  from.dispatchEvent(new CustomEvent("bf-announce", { detail: { message, kind }, bubbles: true, composed: true }));
}

/** A view that polls while it is on the page. */
export abstract class PollingView extends LightElement {
  declare api: Api;
  declare pollMs: number;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;

  static override properties = { api: { attribute: false }, pollMs: { type: Number, attribute: "poll-ms" } };

  constructor() {
    super();
    this.pollMs = 3000;
  }

  protected abstract refresh(): Promise<void>;

  override connectedCallback(): void {
    super.connectedCallback();
    this.stopped = false;
    void this.tick();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** Refresh now (after an action), and keep the cadence. */
  async reload(): Promise<void> {
    clearTimeout(this.timer);
    await this.tick();
  }

  private async tick(): Promise<void> {
    try {
      await this.refresh();
    } catch (err) {
      announce(this, (err as Error).message, "error");
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.pollMs);
  }
}
