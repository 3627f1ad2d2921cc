/// <reference lib="dom" />
/** Entry point bundled by lib/monitor/build.ts: styles, then the app element. */
import "uplot/dist/uPlot.min.css";
import "./styles.css";
import "./app.ts";
