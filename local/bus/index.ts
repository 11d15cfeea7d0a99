export {
  type CompiledPattern,
  compilePattern,
  type EventPattern,
  matchesPattern,
  SUPPORTED_OPERATORS,
} from '#events/pattern.ts';
export {
  EventPatternError,
  InvalidEventPatternError,
  PutEventsValidationError,
  UnsupportedPatternOperatorError,
} from './errors.ts';
export {
  type BusEvent,
  createLocalBus,
  type LocalBus,
  type LocalBusOptions,
  type LocalBusRule,
  MAX_ENTRIES_PER_CALL,
  type PutEventsRequestEntry,
  type PutEventsResult,
  type PutEventsResultEntry,
  type TargetFailure,
} from './local-bus.ts';
