/** A pattern the hub cannot evaluate: invalid for EventBridge, or valid but not one the hub writes. */
export class EventPatternError extends Error {
  override name = 'EventPatternError';
}

/** A pattern EventBridge itself would reject (PutRule: InvalidEventPatternException). */
export class InvalidEventPatternError extends EventPatternError {
  override name = 'InvalidEventPatternError';
  constructor(reason: string, at: string) {
    super(`Event pattern is not valid. Reason: ${reason}${at === '' ? '' : ` (at ${at})`}`);
  }
}

/**
 * An operator (or value) the hub's patterns never use. Thrown at rule creation, never silently "not matched",
 * so a pattern that works locally is one whose every operator the local bus understands.
 */
export class UnsupportedPatternOperatorError extends EventPatternError {
  override name = 'UnsupportedPatternOperatorError';
  readonly operator: string;
  constructor(operator: string, at: string, supported: readonly string[]) {
    super(
      `The local bus does not support the event pattern operator "${operator}" (at ${at}); ` +
        `supported: exact strings, ${supported.join(', ')}`,
    );
    this.operator = operator;
  }
}
