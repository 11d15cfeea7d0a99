/**
 * Messages the local bus delivered to each queue in the last hour, in minute buckets: what CloudWatch's
 * NumberOfMessagesSent answers on AWS (functions/adapters/queue-monitor.ts), kept in memory.
 */
export class DeliveryMeter {
  /** Queue URL → minute (epoch minutes) → messages. */
  readonly #buckets = new Map<string, Map<number, number>>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  delivered(queueUrl: string, messages = 1): void {
    const minute = Math.floor(this.#now() / 60_000);
    const buckets = this.#buckets.get(queueUrl) ?? new Map<number, number>();
    buckets.set(minute, (buckets.get(minute) ?? 0) + messages);
    for (const old of buckets.keys()) if (old <= minute - 60) buckets.delete(old);
    this.#buckets.set(queueUrl, buckets);
  }

  lastHour(queueUrl: string): number {
    const since = Math.floor(this.#now() / 60_000) - 60;
    let sum = 0;
    for (const [minute, n] of this.#buckets.get(queueUrl) ?? []) if (minute > since) sum += n;
    return sum;
  }
}
