/*
 * What the consumer remembers between messages: which events it processed (to skip redeliveries) and the
 * highest version processed per record (to skip stale ones, as delivery order is not guaranteed). In memory by
 * default; a department running several consumers, or restarting, keeps this in its own database instead
 * (e.g. a DynamoDB table keyed by recordId, written with a condition on the version, ids with a TTL).
 */

export interface ProcessedMessage {
  id: string;
  recordId: string;
  version: number;
}

export interface ConsumerStateStore {
  /** Whether the event `id` was processed already. */
  hasProcessed(id: string): Promise<boolean>;
  /** The highest version processed of the record, if any. */
  latestVersion(recordId: string): Promise<number | undefined>;
  /** Remembers a processed event: its id, and its version when higher than the record's latest. */
  markProcessed(message: ProcessedMessage): Promise<void>;
}

/** A process-local state store. It grows with every event: fine for an example, not for years of events. */
export class InMemoryStateStore implements ConsumerStateStore {
  readonly #processed = new Set<string>();
  readonly #versions = new Map<string, number>();

  async hasProcessed(id: string): Promise<boolean> {
    return this.#processed.has(id);
  }

  async latestVersion(recordId: string): Promise<number | undefined> {
    return this.#versions.get(recordId);
  }

  async markProcessed({ id, recordId, version }: ProcessedMessage): Promise<void> {
    this.#processed.add(id);
    if (version > (this.#versions.get(recordId) ?? 0)) this.#versions.set(recordId, version);
  }
}
