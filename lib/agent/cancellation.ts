/**
 * A cancel request for one task. `graceful` honours the action's cancelation method (SIGTERM,
 * notify period, SIGKILL); `expedited` (a spot notice with under 10 s left, agent shutdown)
 * shortens any notify period to what time remains. Listeners may be told twice: graceful, then expedited.
 */
export type CancelUrgency = "graceful" | "expedited";

export interface CancelRequest {
  reason: string;
  urgency: CancelUrgency;
  /** Where the task counts as interrupted (drain, spot) rather than canceled by the server. */
  interrupted: boolean;
  /** At most this many seconds for the notify period (expedited). */
  graceSec?: number;
}

export class Cancellation {
  private listeners: ((r: CancelRequest) => void)[] = [];
  request: CancelRequest | undefined;

  get requested(): boolean {
    return this.request !== undefined;
  }

  cancel(r: CancelRequest): void {
    // A second graceful request changes nothing; an expedited one escalates.
    if (this.request && !(r.urgency === "expedited" && this.request.urgency === "graceful")) return;
    this.request = r;
    for (const l of [...this.listeners]) l(r);
  }

  /** Calls `listener` now if already canceled; returns an unsubscribe function. */
  onCancel(listener: (r: CancelRequest) => void): () => void {
    this.listeners.push(listener);
    if (this.request) listener(this.request);
    return () => { this.listeners = this.listeners.filter((l) => l !== listener); };
  }
}
