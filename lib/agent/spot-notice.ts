/**
 * Spot interruption notices from the EC2 instance metadata service, IMDSv2 (a session token
 * from `PUT /latest/api/token`, then `GET /latest/meta-data/spot/instance-action`, which is
 * 404 until AWS schedules the stop and then `{"action":"terminate","time":"…Z"}`). Polled
 * every second; the endpoint is injectable so tests serve their own.
 */
import { existsSync, readFileSync } from "node:fs";

export const imdsEndpoint = "http://169.254.169.254";

/** True on EC2 (Nitro and Xen), from DMI — no network probe at start-up. */
export function onEc2(): boolean {
  for (const f of ["/sys/class/dmi/id/board_vendor", "/sys/class/dmi/id/sys_vendor", "/sys/hypervisor/uuid"]) {
    try {
      if (existsSync(f) && /amazon ec2|^ec2/i.test(readFileSync(f, "utf8").trim())) return true;
    } catch { /* unreadable: not evidence */ }
  }
  return false;
}

export interface SpotWatch {
  stop(): void;
}

/** Calls `onNotice(terminateAt)` once when a notice appears. */
export function watchSpotNotice(onNotice: (at: number) => void, endpoint = imdsEndpoint, everyMs = 1000): SpotWatch {
  let token: { value: string; until: number } | undefined;
  let stopped = false;
  const check = async () => {
    if (!token || token.until < Date.now()) {
      const r = await fetch(`${endpoint}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "21600" }, signal: AbortSignal.timeout(2000) });
      if (!r.ok) return;
      token = { value: await r.text(), until: Date.now() + 6 * 3600_000 - 60_000 };
    }
    const r = await fetch(`${endpoint}/latest/meta-data/spot/instance-action`, { headers: { "x-aws-ec2-metadata-token": token.value }, signal: AbortSignal.timeout(2000) });
    if (r.status === 401) token = undefined;
    if (!r.ok) return;
    const body = (await r.json().catch(() => ({}))) as { action?: string; time?: string };
    const at = body.time ? Date.parse(body.time) : Number.NaN;
    if (!stopped && (body.action === "terminate" || body.action === "stop" || body.action === "hibernate")) {
      stopped = true;
      clearInterval(timer);
      onNotice(Number.isFinite(at) ? at : Date.now() + 120_000);
    }
  };
  const timer = setInterval(() => { check().catch(() => {}); }, everyMs);
  timer.unref();
  return { stop: () => { stopped = true; clearInterval(timer); } };
}
