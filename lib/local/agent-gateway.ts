/**
 * The agents' door into a local farm whose clock runs faster than real time. Agents are the
 * real program (lib/agent) and live in real time: they sleep real seconds between polls and
 * stamp reports with `Date.now()`. The farm lives on the farm clock. This gateway serves the
 * same API handler and converts at the boundary — instants agents send become farm instants,
 * instants and intervals the farm sends (next poll, lease and token expiry) become real ones —
 * so neither side needs to know the other's clock. At speed 1 it changes nothing.
 */
import type { FarmClock } from "./farm-clock.ts";
import type { BodyTranslator } from "./http-adapter.ts";

/** An idle agent polls at least this often in real time, however fast the farm runs. */
const minIdlePollSec = 1;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export function agentTimeTranslator(clock: FarmClock): BodyTranslator {
  const speed = clock.speed;
  const farmInstant = (v: unknown) => (typeof v === "number" ? clock.toFarm(v) : v);
  const realIso = (v: unknown) => (typeof v === "string" && !Number.isNaN(Date.parse(v)) ? new Date(clock.toReal(Date.parse(v))).toISOString() : v);
  const realSec = (v: unknown) => (typeof v === "number" ? v / speed : v);
  const stamps = (t: Json): Json => ({ ...t, ...("startedAt" in t ? { startedAt: farmInstant(t.startedAt) } : {}), ...("endedAt" in t ? { endedAt: farmInstant(t.endedAt) } : {}) });
  return {
    request(path, body) {
      if (!path.startsWith("/agents/") || !isObject(body)) return body;
      if (Array.isArray(body.tasks)) return { ...body, tasks: body.tasks.map((t) => (isObject(t) ? stamps(t) : t)) };
      return stamps(body);
    },
    response(path, body) {
      if (!path.startsWith("/agents/") || !isObject(body)) return body;
      const out: Json = { ...body };
      if ("tokenExpiresAt" in out) out.tokenExpiresAt = realIso(out.tokenExpiresAt);
      if ("leaseSec" in out) out.leaseSec = realSec(out.leaseSec);
      if ("pollIntervalSec" in out) out.pollIntervalSec = Math.min(Number(out.pollIntervalSec), Math.max(minIdlePollSec, Number(realSec(out.pollIntervalSec))));
      if (typeof out.nextPollSec === "number") {
        const scaled = out.nextPollSec / speed;
        // Right after a report the farm says "come back at once"; idle polls are kept affordable.
        out.nextPollSec = out.nextPollSec <= 1 ? scaled : Math.min(out.nextPollSec, Math.max(minIdlePollSec, scaled));
      }
      if (Array.isArray(out.assignments)) {
        out.assignments = out.assignments.map((a) => (isObject(a) ? { ...a, leaseExpiresAt: realIso(a.leaseExpiresAt), estimatedSec: realSec(a.estimatedSec) } : a));
      }
      return out;
    },
  };
}
