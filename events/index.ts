export {
  buildChangeEvent,
  type ChangeEvent,
  type ChangeEventEntry,
  type ChangeEventInput,
  ChangeEventTooLargeError,
  entryBytes,
  MAX_ENTRY_BYTES,
} from './build.ts';
export {
  CHANGES,
  type Change,
  type ChangeFacts,
  changeOf,
  type DetailType,
  detailTypeOf,
  detailTypesOfKind,
  parseDetailType,
  SOURCE,
} from './catalogue.ts';
export {
  type CompiledEventPattern,
  type CompiledInputTransformer,
  type CompiledRule,
  compileSmokeRule,
  compileSubscription,
  compileSubscriptions,
  MAX_INPUT_PATHS,
  MAX_INPUT_TEMPLATE_LENGTH,
  REPLAY_FIELD,
  SubscriptionCompileError,
} from './compile.ts';
export { QUEUE_DELIVERY } from './delivery.ts';
export {
  buildDerivedEvent,
  DERIVE_EVENT_PATTERN,
  DERIVED_DETAIL_SCHEMAS,
  DERIVED_DETAIL_TYPES,
  DERIVED_EVENT_SCHEMA_VERSION,
  DERIVED_SOURCE,
  type DerivedDetailType,
  type DerivedEventEntry,
  ELIGIBILITY_CONDITIONS,
  type EligibilityChangedDetail,
  eligibilityChangedDetailSchema,
  type PermitNoticeDetail,
  PROFILE_SECTIONS,
  type ProfileUpdatedDetail,
  permitNoticeDetailSchema,
  profileUpdatedDetailSchema,
} from './derived.ts';
export {
  applyInputTransformer,
  compileInputTransformer,
  InputTransformerError,
} from './input-transformer.ts';
export { EVENT_KINDS, type EventKind, isEventKind, type PascalCase, pascalKind } from './kinds.ts';
export {
  CHANGE_EVENT_SCHEMA_VERSION,
  type ChangeEventDetail,
  changeEventDetailSchema,
  changeEventDetailSchemasByKind,
  detailSchemaForType,
  divisionCodeSchema,
  personKeySchema,
  recordIdSchema,
  recordPayloadSchemas,
  submittedBySchema,
} from './payload.ts';
export {
  SAMPLE_DETAILS,
  SAMPLE_END_FIELDS,
  SAMPLE_RECORDS,
  sampleDetail,
  sampleRecord,
  sampleRecordId,
} from './samples.ts';
export {
  NOT_SMOKE,
  SMOKE_FIELDS,
  SMOKE_KIND,
  SMOKE_SUBMITTER_ID,
  SMOKE_SUBSCRIBER,
} from './smoke.ts';
export { projectFor, type RoutedEvent, routedEvent, subscriberRules } from './subscriber-rules.ts';
export {
  buildSubscriptions,
  type CatalogueOptions,
  DEPARTMENTS,
  type Department,
  type DetailPath,
  ENVELOPE_FIELDS,
  type EnvelopeField,
  PROJECTED_RECORD_PATHS,
  projectedRecord,
  SUBSCRIPTIONS,
  SubscriberIdError,
  type Subscription,
  type SubscriptionFilter,
  type SubscriptionOptions,
  subscriberSubscription,
  subscriptionFor,
  withSubscribers,
} from './subscriptions.ts';
