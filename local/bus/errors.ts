export {
  EventPatternError,
  InvalidEventPatternError,
  UnsupportedPatternOperatorError,
} from '#events/eventbridge-errors.ts';

/** A PutEvents request EventBridge would reject as a whole (ValidationException). */
export class PutEventsValidationError extends Error {
  override name = 'PutEventsValidationError';
}
