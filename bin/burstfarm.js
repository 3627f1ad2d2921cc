#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx burstfarm …` works from a checkout.
import { register } from "tsx/esm/api";
register();
await import("../lib/cli/main.ts");
