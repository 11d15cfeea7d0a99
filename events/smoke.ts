import type { EventKind } from './kinds.ts';
import { type DetailPath, ENVELOPE } from './subscriptions.ts';

/*
 * The post-deployment smoke test (`hub smoke`): a record reported by this reserved submitter travels the whole
 * path (API, store, stream, bus) to the smoke subscriber's own queue, and to no department and no statistics:
 * every department rule and the derive rule leave out events whose `submittedBy.submitterId` is this id.
 * The identity platform must never issue it to anyone but the operators' smoke client.
 */
export const SMOKE_SUBMITTER_ID = 'hub-smoke';
/** The subscriber (and queue stem) that receives the smoke records. */
export const SMOKE_SUBSCRIBER = 'smoke';
/** A rental property: it names no person, so its natural key (an address with a run id) touches nobody. */
export const SMOKE_KIND = 'rental-property' satisfies EventKind;
/** What the smoke queue receives: the envelope, enough to recognise the run's record. */
export const SMOKE_FIELDS: readonly DetailPath[] = [...ENVELOPE, 'submittedBy.submitterId'];

/** The pattern condition that leaves smoke events out (EventBridge `anything-but`, on a field always present). */
export const NOT_SMOKE = { submittedBy: { submitterId: [{ 'anything-but': SMOKE_SUBMITTER_ID }] } } as const;
