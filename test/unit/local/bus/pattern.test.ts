import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  type EventPattern,
  InvalidEventPatternError,
  matchesPattern,
  UnsupportedPatternOperatorError,
} from '../../../../local/bus/index.ts';

/*
 * Each case: a pattern, an event, and what EventBridge does. Sources:
 * [patterns]  https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html (and eb-create-pattern.html)
 * [null]      https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
 * [arrays]    https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
 * [content]   https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html
 * [operators] https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
 * [ruler]     https://github.com/aws/event-ruler README (the engine behind EventBridge)
 * [validated] pattern/event pairs localstack checked against AWS's TestEventPattern
 *             (localstack tests/aws/services/events/event_pattern_templates/<name>.json5)
 */

const EC2_TERMINATED = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: { 'instance-id': 'i-1234567890abcdef0', state: 'terminated' },
};

const AUTOSCALING = {
  version: '0',
  id: '3e3c153a-8339-4e30-8c35-687ebef853fe',
  'detail-type': 'EC2 Instance Launch Successful',
  source: 'aws.autoscaling',
  account: '123456789012',
  time: '2015-11-11T21:31:47Z',
  region: 'us-east-1',
  resources: [],
  detail: { eventVersion: '', responseElements: null },
};

// JSON text, so that numbers keep their written form (80, not 80.0).
const MACIE = JSON.stringify({
  source: 'aws.macie',
  'detail-type': 'Macie Alert',
  detail: {
    'notification-type': 'ALERT_CREATED',
    tags: ['Custom_Alert', 'Insider'],
    'risk-score': 80,
    trigger: { 'alert-type': 'basic', risk: 8 },
  },
});

const RULER = {
  version: '0',
  id: 'ddddd4-aaaa-7777-4444-345dd43cc333',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '012345679012',
  time: '2017-10-02T16:24:49Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000'],
  detail: {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
    'count-text': '5',
    enabled: true,
    service: 'EventBridge',
    FileName: 'IMG_0001.PNG',
  },
};

const EXISTS_DOC = { detail: { state: ['initializing', 'running'] } };
const EXISTS_DOC_OBJECT = { detail: { state: ['initializing', 'running'], 'c-count': { c1: 100 } } };

const ARRAYS_EVENT = {
  resources: [
    'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
    'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
  ],
};
const ARRAYS_PATTERN = {
  resources: [
    'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
    'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
  ],
};

const EMPLOYEES = {
  employees: [
    { firstName: 'John', lastName: 'Doe' },
    { firstName: 'Anna', lastName: 'Smith' },
    { firstName: 'Peter', lastName: 'Jones' },
  ],
};
const NESTED_EMPLOYEES = {
  employees: [
    [
      { firstName: 'John', lastName: 'Doe' },
      { firstName: 'Anna', lastName: 'Smith' },
    ],
    [{ firstName: 'Peter', lastName: 'Jones' }],
  ],
};

const validated = (detail: Record<string, unknown>) => ({
  id: '1',
  source: 'test-source',
  'detail-type': 'test-detail-type',
  account: '123456789012',
  region: 'us-east-2',
  time: '2022-07-13T13:48:01Z',
  detail,
});

type Case = [source: string, name: string, pattern: EventPattern | string, event: unknown, expected: boolean];

const CASES: Case[] = [
  // Field and value matching
  [
    'patterns',
    'the documented EC2 termination pattern',
    {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    },
    EC2_TERMINATED,
    true,
  ],
  ['patterns', 'any of several values (OR)', { source: ['aws.ec2', 'aws.fargate'] }, EC2_TERMINATED, true],
  ['patterns', 'none of the values', { source: ['aws.fargate'] }, EC2_TERMINATED, false],
  [
    'patterns',
    'all fields must match (AND)',
    { source: ['aws.ec2'], detail: { state: ['running'] } },
    EC2_TERMINATED,
    false,
  ],
  ['patterns', 'no case folding', { source: ['AWS.EC2'] }, EC2_TERMINATED, false],
  ['patterns', 'a field the event lacks', { detail: { 'missing-field': ['x'] } }, EC2_TERMINATED, false],
  ['patterns', 'the same nesting is required', { state: ['terminated'] }, EC2_TERMINATED, false],
  [
    'patterns',
    'fields the pattern does not name are ignored',
    { region: ['us-west-1'] },
    EC2_TERMINATED,
    true,
  ],
  [
    'patterns',
    'the documented Macie value match',
    {
      source: ['aws.macie'],
      'detail-type': ['Macie Alert'],
      detail: { 'risk-score': [80], trigger: { risk: [8] } },
    },
    MACIE,
    true,
  ],
  ['patterns', 'numbers compare by text: 80.0 is not 80', '{"detail":{"risk-score":[80.0]}}', MACIE, false],
  [
    'patterns',
    'numbers compare by text: 8.0e0 is not 8',
    '{"detail":{"trigger":{"risk":[8.0e0]}}}',
    MACIE,
    false,
  ],
  ['patterns', 'a string never equals a number', { detail: { 'risk-score': ['80'] } }, MACIE, false],
  ['ruler', 'true matches only the JSON literal', { detail: { enabled: [true] } }, RULER, true],
  ['ruler', '"true" does not match the literal true', { detail: { enabled: ['true'] } }, RULER, false],
  // null and empty strings
  ['null', 'an empty string', { detail: { eventVersion: [''] } }, AUTOSCALING, true],
  ['null', 'null', { detail: { responseElements: [null] } }, AUTOSCALING, true],
  ['null', 'null does not match an empty string', { detail: { eventVersion: [null] } }, AUTOSCALING, false],
  ['null', 'an empty string does not match null', { detail: { responseElements: [''] } }, AUTOSCALING, false],
  [
    'validated',
    'null does not match an empty array (arrays_empty_null_NEG)',
    { resources: [null] },
    AUTOSCALING,
    false,
  ],
  // Arrays
  ['arrays', 'the documented intersection of two arrays', ARRAYS_PATTERN, ARRAYS_EVENT, true],
  [
    'validated',
    'an empty intersection (arrays_NEG)',
    ARRAYS_PATTERN,
    { resources: [ARRAYS_EVENT.resources[0]] },
    false,
  ],
  ['arrays', 'one element of an event array', { detail: { tags: ['Insider'] } }, MACIE, true],
  ['arrays', 'no element of an event array', { detail: { tags: ['Outsider'] } }, MACIE, false],
  ['ruler', 'a field inside an array of objects', { employees: { firstName: ['Anna'] } }, EMPLOYEES, true],
  [
    'ruler',
    'two fields from different elements do not combine',
    { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    EMPLOYEES,
    false,
  ],
  [
    'ruler',
    'two fields from the same element',
    { employees: { firstName: ['Anna'], lastName: ['Smith'] } },
    EMPLOYEES,
    true,
  ],
  [
    'ruler',
    'arrays of arrays are crushed too',
    { employees: { firstName: ['Peter'] } },
    NESTED_EMPLOYEES,
    true,
  ],
  // prefix, suffix, equals-ignore-case, wildcard
  ['content', 'prefix', { time: [{ prefix: '2017-10-02' }] }, RULER, true],
  ['content', 'a different prefix', { time: [{ prefix: '2017-10-03' }] }, RULER, false],
  ['ruler', 'prefix never matches a number', { detail: { 'c-count': [{ prefix: '5' }] } }, RULER, false],
  [
    'operators',
    'prefix ignoring case',
    { detail: { service: [{ prefix: { 'equals-ignore-case': 'eventb' } }] } },
    RULER,
    true,
  ],
  ['ruler', 'suffix', { source: [{ suffix: 'ec2' }] }, RULER, true],
  [
    'operators',
    'suffix ignoring case',
    { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
    RULER,
    true,
  ],
  ['operators', 'suffix is case-sensitive', { detail: { FileName: [{ suffix: '.png' }] } }, RULER, false],
  ['ruler', 'equals-ignore-case', { source: [{ 'equals-ignore-case': 'AWS.EC2' }] }, RULER, true],
  ['ruler', 'wildcard', { 'detail-type': [{ wildcard: 'EC2 * Notification' }] }, RULER, true],
  ['ruler', 'a wildcard that does not fit', { source: [{ wildcard: 'aws.s*3' }] }, RULER, false],
  ['ruler', 'a wildcard star matches nothing too', { source: [{ wildcard: 'aws.ec2*' }] }, RULER, true],
  // anything-but
  [
    'content',
    'anything-but a string',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    RULER,
    true,
  ],
  [
    'content',
    'anything-but a list that holds the value',
    { detail: { state: [{ 'anything-but': ['stopped', 'running'] }] } },
    RULER,
    false,
  ],
  [
    'content',
    'anything-but a list of numbers',
    { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
    RULER,
    true,
  ],
  [
    'content',
    'anything-but a prefix',
    { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    RULER,
    true,
  ],
  [
    'content',
    'anything-but a prefix the value has',
    { detail: { state: [{ 'anything-but': { prefix: 'run' } }] } },
    RULER,
    false,
  ],
  [
    'operators',
    'anything-but a suffix',
    { detail: { FileName: [{ 'anything-but': { suffix: '.PNG' } }] } },
    RULER,
    false,
  ],
  [
    'operators',
    'anything-but ignoring case',
    { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'RUNNING' } }] } },
    RULER,
    false,
  ],
  [
    'validated',
    'anything-but never matches an absent field (content_anything_but_string_missing_NEG)',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    validated({}),
    false,
  ],
  [
    'validated',
    'anything-but matches null (content_anything_but_string_null)',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    validated({ state: null }),
    true,
  ],
  [
    'validated',
    'anything-but prefix matches a number (content_anything_prefix_int_value)',
    { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
    validated({ state: 12 }),
    true,
  ],
  [
    'validated',
    'anything-but wildcard matches a number (content_anything_wildcard_int)',
    { detail: { FilePath: [{ 'anything-but': { wildcard: '*/dir/*' } }] } },
    validated({ FilePath: 123 }),
    true,
  ],
  [
    'validated',
    'anything-but 0 (content_anything_but_number_zero)',
    { detail: { 'x-limit': [{ 'anything-but': 0 }] } },
    validated({ 'x-limit': 789 }),
    true,
  ],
  [
    'ruler',
    'anything-but holds if any array element differs',
    { detail: { state: [{ 'anything-but': 'initializing' }] } },
    EXISTS_DOC,
    true,
  ],
  // numeric
  ['content', 'a numeric range', { detail: { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] } }, RULER, true],
  ['content', 'an open upper bound', { detail: { 'd-count': [{ numeric: ['<', 3] }] } }, RULER, false],
  [
    'content',
    'numeric equality in exponent form',
    { detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } },
    RULER,
    true,
  ],
  [
    'ruler',
    'numeric never matches a numeric string',
    { detail: { 'count-text': [{ numeric: ['>', 0] }] } },
    RULER,
    false,
  ],
  [
    'content',
    'the documented complex pattern',
    {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    },
    RULER,
    true,
  ],
  // exists
  ['content', 'exists true', { detail: { 'c-count': [{ exists: true }] } }, RULER, true],
  [
    'content',
    'exists false on a present field',
    { detail: { 'c-count': [{ exists: false }] } },
    RULER,
    false,
  ],
  [
    'content',
    'exists false on the documented event',
    { detail: { 'c-count': [{ exists: false }] } },
    EXISTS_DOC,
    true,
  ],
  [
    'content',
    'exists false where the field is an object, not a leaf',
    { detail: { 'c-count': [{ exists: false }] } },
    EXISTS_DOC_OBJECT,
    true,
  ],
  [
    'ruler',
    'exists true where the field is an object, not a leaf',
    { detail: { 'c-count': [{ exists: true }] } },
    EXISTS_DOC_OBJECT,
    false,
  ],
  [
    'ruler',
    'null is a present value',
    { detail: { responseElements: [{ exists: true }] } },
    AUTOSCALING,
    true,
  ],
  [
    'validated',
    'exists false below a parent that is a string (content_exists_false)',
    { detail: { level1: { 'level2:': { level3: { level4: [{ exists: false }] } } } } },
    validated({ level1: { level2: 'l2 value' } }),
    true,
  ],
  [
    'validated',
    'exists false on a present deep field (content_exists_false_NEG)',
    { detail: { level1: { level2: { level3: { level4: [{ exists: false }] } } } } },
    validated({ level1: { level2: { level3: { level4: 'l4 value' } } } }),
    false,
  ],
  [
    'validated',
    'exists true on an absent field (content_exists_NEG)',
    { detail: { state: [{ exists: true }] } },
    validated({ 'c-count': { c1: 100 } }),
    false,
  ],
  // $or
  [
    'ruler',
    '$or with one matching branch',
    { source: ['aws.ec2'], $or: [{ detail: { state: ['stopped'] } }, { detail: { 'c-count': [5] } }] },
    RULER,
    true,
  ],
  [
    'ruler',
    '$or with no matching branch',
    { $or: [{ detail: { state: ['stopped'] } }, { detail: { 'c-count': [6] } }] },
    RULER,
    false,
  ],
  [
    'ruler',
    '$or still ANDed with its siblings',
    { source: ['aws.s3'], $or: [{ detail: { state: ['running'] } }, { detail: { 'c-count': [5] } }] },
    RULER,
    false,
  ],
];

describe('matchesPattern against documented EventBridge behaviour', () => {
  it('covers at least 40 documented cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES)('[%s] %s', (_source, _name, pattern, event, expected) => {
    expect(matchesPattern(pattern, event)).toBe(expected);
  });

  it('accepts the event as JSON text', () => {
    expect(matchesPattern({ source: ['aws.ec2'] }, JSON.stringify(EC2_TERMINATED))).toBe(true);
  });

  it('matches nothing that is not a JSON object', () => {
    expect(matchesPattern({ source: ['aws.ec2'] }, 'not json')).toBe(false);
    expect(matchesPattern({ source: ['aws.ec2'] }, ['aws.ec2'])).toBe(false);
  });
});

describe('patterns the local bus refuses', () => {
  it.each([
    ['cidr', { detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }],
    ['contains', { detail: { state: [{ contains: 'run' }] } }],
    ['regex', { source: [{ regex: '^aws' }] }],
  ])('rejects the unsupported operator %s, naming it', (operator, pattern) => {
    // Act
    const attempt = () => compilePattern(pattern);

    // Assess
    expect(attempt).toThrow(UnsupportedPatternOperatorError);
    expect(attempt).toThrow(`"${operator}"`);
  });

  it.each([
    ['a bare value instead of an array', { source: 'aws.ec2' }],
    ['an empty value array', { source: [] }],
    ['an empty pattern', {}],
    ['two operators in one match object', { time: [{ prefix: '2017', suffix: 'Z' }] }],
    ['an array inside a value array', { source: [['aws.ec2']] }],
    ['a non-string prefix', { time: [{ prefix: 2017 }] }],
    ['prefix with another inner operator', { time: [{ prefix: { wildcard: '2017*' } }] }],
    ['anything-but mixing strings and numbers', { detail: { x: [{ 'anything-but': ['a', 1] }] } }],
    ['anything-but null', { detail: { x: [{ 'anything-but': null }] } }],
    ['anything-but numeric', { detail: { x: [{ 'anything-but': { numeric: ['>', 1] } }] } }],
    ['anything-but an empty prefix', { detail: { x: [{ 'anything-but': { prefix: '' } }] } }],
    ['numeric that is not an array', { detail: { x: [{ numeric: 5 }] } }],
    ['an unknown numeric operator', { detail: { x: [{ numeric: ['!=', 5] }] } }],
    ['a numeric range upside down', { detail: { x: [{ numeric: ['>', 5, '<', 1] }] } }],
    ['a numeric range in the wrong order', { detail: { x: [{ numeric: ['<', 5, '>', 1] }] } }],
    ['too many numeric terms', { detail: { x: [{ numeric: ['>', 0, '<', 5, '<', 9] }] } }],
    ['exists that is not a boolean', { detail: { x: [{ exists: 'yes' }] } }],
    ['consecutive wildcards', { source: [{ wildcard: 'aws.**' }] }],
    ['a wildcard escaping a letter', { source: [{ wildcard: 'aws\\.ec2' }] }],
    ['$or with one branch', { $or: [{ source: ['aws.ec2'] }] }],
    ['malformed JSON text', '{"source": ['],
    ['JSON text that is not an object', '["aws.ec2"]'],
  ])('rejects %s as invalid', (_name, pattern) => {
    expect(() => compilePattern(pattern as EventPattern)).toThrow(InvalidEventPatternError);
  });

  it('says where the problem is', () => {
    expect(() => compilePattern({ detail: { state: [{ exists: 1 }] } } as unknown as EventPattern)).toThrow(
      /detail\.state\[0\]/,
    );
  });

  it('handles wildcard escapes', () => {
    expect(matchesPattern({ f: [{ wildcard: 'a\\*b' }] }, { f: 'a*b' })).toBe(true);
    expect(matchesPattern({ f: [{ wildcard: 'a\\*b' }] }, { f: 'axxb' })).toBe(false);
    expect(matchesPattern({ f: [{ wildcard: 'a\\\\b' }] }, { f: 'a\\b' })).toBe(true);
  });
});
