// The value types of the canonical model: each schema takes dirty input and returns the canonical value,
// or fails with a catalogue error code (see ../errors.ts).
export * from './address.ts';
export * from './credit-code.ts';
export * from './date.ts';
export * from './division-code.ts';
export * from './document-number.ts';
export * from './enums.ts';
export * from './id-number.ts';
export * from './identifier.ts';
export * from './name.ts';
export * from './phone.ts';
export * from './text.ts';
