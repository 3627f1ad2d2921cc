/// <reference lib="dom" />
/**
 * A uPlot time chart as an element: set `options` (without size) and `data`; it fills its
 * container's width and follows resizes. The figure carries a text summary for screen readers.
 */
import { html } from "lit";
import uPlot from "uplot";
import { LightElement } from "./base.ts";

export class TimeChart extends LightElement {
  declare options: Omit<uPlot.Options, "width" | "height">;
  declare data: uPlot.AlignedData;
  declare summary: string;
  declare heightPx: number;
  private plot: uPlot | undefined;
  private resize: ResizeObserver | undefined;

  static override properties = { options: { attribute: false }, data: { attribute: false }, summary: {}, heightPx: { type: Number, attribute: "height" } };

  constructor() {
    super();
    this.summary = "";
    this.heightPx = 220;
  }

  override render() {
    return html`<figure role="img" aria-label=${this.summary}><div class="plot"></div></figure>`;
  }

  override updated(changed: Map<string, unknown>): void {
    const host = this.querySelector<HTMLDivElement>(".plot");
    if (!host || !this.options || !this.data) return;
    const width = Math.max(320, this.clientWidth);
    if (!this.plot || changed.has("options")) {
      this.plot?.destroy();
      this.plot = new uPlot({ ...this.options, width, height: this.heightPx }, this.data, host);
    } else if (changed.has("data")) {
      this.plot.setData(this.data);
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resize = new ResizeObserver(() => this.plot?.setSize({ width: Math.max(320, this.clientWidth), height: this.heightPx }));
    this.resize.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resize?.disconnect();
    this.plot?.destroy();
    this.plot = undefined;
  }
}
customElements.define("bf-chart", TimeChart);
