import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { putEventsReliably } from '../adapters/event-bus.ts';
import type { ProfileItem, ProfileStore } from '../adapters/profile-store.ts';

/** Some derived events could not be put on the bus; the item keeps them and the next run sends them again. */
export class OutboxNotDeliveredError extends Error {
  constructor(personKey: string, failed: number) {
    super(`${failed} derived event(s) of ${personKey} are still waiting to be published`);
    this.name = 'OutboxNotDeliveredError';
  }
}

/**
 * Publishes the events a committed profile version left in its outbox, then forgets them. Events are written
 * with the profile, before they are sent, so a crash between the two loses none: the next run for the person
 * (a redelivery, a later change) sends them again. Their ids are stable, so consumers de-duplicate.
 */
export async function flushOutbox(
  item: ProfileItem | undefined,
  deps: { profiles: ProfileStore; eventBridge: EventBridgeClient },
): Promise<number> {
  const outbox = item?.outbox ?? [];
  if (item === undefined || outbox.length === 0) return 0;
  const failed = await putEventsReliably(
    deps.eventBridge,
    outbox.map((entry, key) => ({ key, entry })),
  );
  if (failed.length > 0) throw new OutboxNotDeliveredError(item.personKey, failed.length);
  await deps.profiles.clearOutbox(item.personKey, item.version);
  return outbox.length;
}
