import { z } from 'zod';
import {
  buildDerivedEvent,
  DERIVED_DETAIL_SCHEMAS,
  DERIVED_DETAIL_TYPES,
  DERIVED_EVENT_SCHEMA_VERSION,
  DERIVED_SOURCE,
  type DerivedDetailType,
  type DerivedEventEntry,
  SAMPLE_DETAILS,
} from '#events/index.ts';
import { ASYNCAPI_VERSION, payloadJsonSchema } from './asyncapi.ts';
import { CONTRACT_VERSION } from './contract-version.ts';

/*
 * The AsyncAPI 3 document of the derived events (events/derived.ts): a person's profile changed, their permit
 * eligibility changed, a permit's endorsement fell due or lapsed. They travel on the hub's bus with source `residence-data-hub.derived`; a subscriber puts
 * a rule on the bus for them, and its target receives the whole EventBridge event (no projection: the events
 * carry no personal data beyond the pseudonymous personKey). The local hub delivers them to its
 * `derived-events` queue.
 */

export const DERIVED_EVENTS_CHANNEL = 'derived-events';

const PERSON_KEY = SAMPLE_DETAILS['ResidenceRegistration.Created'].personKey ?? '';
const AT = '2026-09-01T16:05:00.000Z';
const PERMIT_RECORD_ID = SAMPLE_DETAILS['ResidencePermit.Created'].recordId;

/** One sample of each derived detail-type, built (and so validated) by the publisher's own builder. */
const SAMPLE_ENTRIES: Record<DerivedDetailType, DerivedEventEntry> = {
  [DERIVED_DETAIL_TYPES.profileUpdated]: buildDerivedEvent(DERIVED_DETAIL_TYPES.profileUpdated, {
    id: `${PERSON_KEY}:2`,
    personKey: PERSON_KEY,
    version: 2,
    profileHash: 'a'.repeat(64),
    previousProfileHash: 'b'.repeat(64),
    changedSections: ['employments'],
    divisionCode: '330106',
    occurredAt: AT,
  }),
  [DERIVED_DETAIL_TYPES.eligibilityChanged]: buildDerivedEvent(DERIVED_DETAIL_TYPES.eligibilityChanged, {
    id: `${PERSON_KEY}:3`,
    personKey: PERSON_KEY,
    version: 3,
    asOf: '2026-09-02',
    eligible: true,
    eligibleFrom: '2026-09-02',
    city: '3301',
    met: ['residence6Months', 'awayFromHukou', 'employment'],
    missing: ['housing', 'schooling'],
    previous: { eligible: false, eligibleFrom: '2026-09-02', met: ['awayFromHukou', 'employment'] },
    cause: 'time',
    occurredAt: AT,
  }),
  [DERIVED_DETAIL_TYPES.endorsementDue]: buildDerivedEvent(DERIVED_DETAIL_TYPES.endorsementDue, {
    id: `${PERMIT_RECORD_ID}:4`,
    personKey: PERSON_KEY,
    version: 4,
    recordId: PERMIT_RECORD_ID,
    asOf: '2027-01-10',
    endorsedUntil: '2027-02-09',
    divisionCode: '330106',
    cause: 'time',
    occurredAt: AT,
  }),
  [DERIVED_DETAIL_TYPES.permitSuspended]: buildDerivedEvent(DERIVED_DETAIL_TYPES.permitSuspended, {
    id: `${PERMIT_RECORD_ID}:5`,
    personKey: PERSON_KEY,
    version: 5,
    recordId: PERMIT_RECORD_ID,
    asOf: '2027-02-10',
    endorsedUntil: '2027-02-09',
    divisionCode: '330106',
    cause: 'time',
    occurredAt: AT,
  }),
};

/** The EventBridge event a rule's target receives for one derived detail-type. */
function eventSchema(detailType: DerivedDetailType): z.ZodObject {
  return z.object({
    version: z.literal('0'),
    id: z
      .string()
      .meta({ description: 'The EventBridge event id (differs per delivery attempt of a retry).' }),
    'detail-type': z.literal(detailType),
    source: z.literal(DERIVED_SOURCE),
    account: z.string(),
    time: z.iso.datetime({ offset: true }),
    region: z.string(),
    resources: z.array(z.string()),
    detail: DERIVED_DETAIL_SCHEMAS[detailType],
  });
}

function sampleEvent(detailType: DerivedDetailType): Record<string, unknown> {
  const entry = SAMPLE_ENTRIES[detailType];
  const detail = JSON.parse(entry.Detail) as { occurredAt: string };
  return {
    version: '0',
    id: '2d6f0c1a-7b3e-4f5a-9c8d-1e2f3a4b5c6d',
    'detail-type': detailType,
    source: DERIVED_SOURCE,
    account: '000000000000',
    time: detail.occurredAt,
    region: 'cn-northwest-1',
    resources: [],
    detail,
  };
}

const SUMMARIES: Record<DerivedDetailType, string> = {
  [DERIVED_DETAIL_TYPES.profileUpdated]:
    "The content of a person's merged profile changed; `changedSections` says which lists. Ask the look-up " +
    'API (POST /v1/persons/lookup) for the profile itself.',
  [DERIVED_DETAIL_TYPES.eligibilityChanged]:
    'The outcome of the residence-permit conditions changed for a person, by new records or by time alone ' +
    '(`cause`).',
  [DERIVED_DETAIL_TYPES.endorsementDue]:
    "A residence permit's yearly endorsement (签注) falls due: `endorsedUntil` is within the notice days (30 by " +
    'default). `id` is `<recordId>:<version>` of the permit record and the profile version.',
  [DERIVED_DETAIL_TYPES.permitSuspended]:
    "A residence permit's endorsement passed unendorsed: its functions are suspended until it is endorsed again " +
    '(居住证暂行条例). Emitted the day after `endorsedUntil`.',
};

export function buildDerivedEventsDocument(): Record<string, unknown> {
  const types = Object.values(DERIVED_DETAIL_TYPES);
  return {
    asyncapi: ASYNCAPI_VERSION,
    info: {
      title: 'residence-data-hub: derived events',
      version: CONTRACT_VERSION,
      description: [
        `What the hub's derived services publish on its event bus, with source \`${DERIVED_SOURCE}\`. A subscriber ` +
          `adds a rule on the bus matching that source (and the detail-types it wants); its target receives the ` +
          'whole EventBridge event below. The events name a person only by personKey.',
        '',
        '- Delivery is at least once and unordered: de-duplicate on `detail-type` and `detail.id` ' +
          '(`<personKey>:<version>`; a permit notice: `<recordId>:<version>`) and keep the highest ' +
          '`detail.version` per personKey.',
        `- Every detail carries \`schemaVersion\` (${DERIVED_EVENT_SCHEMA_VERSION} today). Compatible changes ` +
          'keep it (a new optional field, a new detail-type, a new enum value): ignore what you do not know. A ' +
          'breaking change ships as new detail-types, published beside the old ones for a stated overlap ' +
          '(docs/versioning.md, CHANGELOG.md).',
        `- The local hub (npm start) delivers them to its \`${DERIVED_EVENTS_CHANNEL}\` queue (the \`derivedEventsQueue\` ` +
          'of .local-hub/endpoints.json).',
        '',
        'Generated by `npm run docs` from events/derived.ts; do not edit.',
      ].join('\n'),
    },
    defaultContentType: 'application/json',
    channels: {
      [DERIVED_EVENTS_CHANNEL]: {
        address: 'residence-data-hub-{stage}',
        title: 'The hub event bus, source residence-data-hub.derived',
        description: `The EventBridge bus \`residence-data-hub-{stage}\`; match \`{"source": ["${DERIVED_SOURCE}"]}\`.`,
        parameters: { stage: { description: 'The deployment stage, e.g. prod.' } },
        messages: Object.fromEntries(types.map((type) => [type, { $ref: `#/components/messages/${type}` }])),
      },
    },
    operations: {
      receiveDerivedEvents: {
        action: 'receive',
        channel: { $ref: `#/channels/${DERIVED_EVENTS_CHANNEL}` },
        summary: 'What a rule on the hub bus for the derived source delivers to its target.',
        messages: types.map((type) => ({ $ref: `#/channels/${DERIVED_EVENTS_CHANNEL}/messages/${type}` })),
      },
    },
    components: {
      messages: Object.fromEntries(
        types.map((type) => [
          type,
          {
            name: type,
            title: type,
            summary: SUMMARIES[type],
            contentType: 'application/json',
            payload: payloadJsonSchema(eventSchema(type)),
            examples: [{ name: 'sample', summary: 'An invented person', payload: sampleEvent(type) }],
          },
        ]),
      ),
    },
  };
}
