import { describe, expect, it } from 'vitest';
import {
  InvalidEventPatternError,
  UnsupportedPatternOperatorError,
} from '../../../events/eventbridge-errors.ts';
import { compileSubscriptions, DERIVE_EVENT_PATTERN, SUBSCRIPTIONS } from '../../../events/index.ts';
import { compilePattern, type EventPattern, matchesPattern } from '../../../events/pattern.ts';

/*
 * The local bus matches exactly the patterns the hub writes (compile.ts and the derive rule) as EventBridge
 * does (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html,
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html, and
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html), and refuses the rest.
 */

const EVENT = {
  source: 'residence-data-hub',
  'detail-type': 'Tenancy.Created',
  detail: {
    divisionCode: '330106',
    personKey: 'abc',
    tags: ['a', 'b'],
    nested: { at: '330106' },
    submittedBy: { submitterId: 'landlord-1' },
    endedOn: null,
    version: 2,
  },
};

describe('matchesPattern', () => {
  it.each<[string, EventPattern, boolean]>([
    ['an exact string', { source: ['residence-data-hub'] }, true],
    ['one of several exact strings', { 'detail-type': ['Employment.Created', 'Tenancy.Created'] }, true],
    ['no listed string', { 'detail-type': ['Employment.Created'] }, false],
    ['every field (AND)', { source: ['residence-data-hub'], 'detail-type': ['Employment.Created'] }, false],
    ['a prefix', { detail: { divisionCode: [{ prefix: '3301' }] } }, true],
    ['another prefix', { detail: { divisionCode: [{ prefix: '3302' }] } }, false],
    ['a prefix or an exact string', { detail: { divisionCode: [{ prefix: '11' }, '330106'] } }, true],
    ['a nested object', { detail: { nested: { at: ['330106'] } } }, true],
    ['any element of an array', { detail: { tags: ['b'] } }, true],
    ['exists on a present leaf', { detail: { personKey: [{ exists: true }] } }, true],
    ['exists on an absent field', { detail: { missing: [{ exists: true }] } }, false],
    ['exists on an object', { detail: { nested: [{ exists: true }] } }, false],
    ['an absent field', { detail: { missing: ['x'] } }, false],
    // anything-but (one string, as compile writes it): any present value but that string, never an absent field.
    [
      'anything but another string',
      { detail: { submittedBy: { submitterId: [{ 'anything-but': 'hub-smoke' }] } } },
      true,
    ],
    [
      'anything but that string',
      { detail: { submittedBy: { submitterId: [{ 'anything-but': 'landlord-1' }] } } },
      false,
    ],
    ['anything but, on a null value', { detail: { endedOn: [{ 'anything-but': 'x' }] } }, true],
    ['anything but, on a number', { detail: { version: [{ 'anything-but': '2' }] } }, true],
    ['anything but, on an absent field', { detail: { missing: [{ 'anything-but': 'x' }] } }, false],
    ['anything but, on an object', { detail: { nested: [{ 'anything-but': 'x' }] } }, false],
  ])('%s', (_case, pattern, expected) => {
    expect(matchesPattern(pattern, EVENT)).toBe(expected);
  });

  it('matches a JSON-text pattern like its object', () => {
    expect(matchesPattern(JSON.stringify({ source: ['residence-data-hub'] }), EVENT)).toBe(true);
  });

  it('accepts every pattern the hub writes', () => {
    for (const rule of compileSubscriptions(SUBSCRIPTIONS))
      expect(() => compilePattern(rule.eventPattern)).not.toThrow();
    expect(matchesPattern(DERIVE_EVENT_PATTERN, EVENT)).toBe(true);
  });
});

describe('compilePattern refuses what the hub never writes', () => {
  it.each<[string, unknown]>([
    ['suffix', { source: [{ suffix: 'hub' }] }],
    ['wildcard', { source: [{ wildcard: 'residence-*' }] }],
    ['anything-but with a list', { source: [{ 'anything-but': ['x', 'y'] }] }],
    ['anything-but with an operator', { source: [{ 'anything-but': { prefix: 'x' } }] }],
    ['numeric', { detail: { rent: [{ numeric: ['>', 0] }] } }],
    ['equals-ignore-case', { source: [{ 'equals-ignore-case': 'HUB' }] }],
    ['exists: false', { detail: { personKey: [{ exists: false }] } }],
    ['cidr', { detail: { ip: [{ cidr: '10.0.0.0/8' }] } }],
    ['$or', { $or: [{ source: ['a'] }, { source: ['b'] }] }],
    ['a number value', { detail: { version: [1] } }],
    ['a null value', { detail: { endedOn: [null] } }],
    ['a boolean value', { detail: { ended: [true] } }],
  ])('%s', (_case, pattern) => {
    expect(() => compilePattern(pattern as EventPattern)).toThrow(UnsupportedPatternOperatorError);
  });

  it.each<[string, unknown]>([
    ['an empty pattern', {}],
    ['a scalar field', { source: 'residence-data-hub' }],
    ['two operators in one object', { source: [{ prefix: 'a', exists: true }] }],
    ['text that is not JSON', '{source'],
  ])('%s as invalid', (_case, pattern) => {
    expect(() => compilePattern(pattern as EventPattern)).toThrow(InvalidEventPatternError);
  });
});
