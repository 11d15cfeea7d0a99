import { describe, expect, it } from 'vitest';
import {
  applyInputTransformer,
  compileInputTransformer,
  type InputTransformer,
  InputTransformerError,
} from '../../../../local/bus/index.ts';

/*
 * Examples from https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
 * ("Input transform examples"), the input-transformer tutorial, and
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_InputTransformer.html. Where AWS documents
 * a pretty-printed JSON output, the delivered text is that JSON minified ("The JSON that is passed to the
 * target is minified"). Missing-path behaviour follows AWS-recorded snapshots (localstack
 * tests/aws/services/events/test_events_inputs.snapshot.json).
 */

const EC2_EVENT = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING' },
};

const DOC_PATHS = { timestamp: '$.time', instance: '$.detail.instance-id', state: '$.detail.state' };
const RULE = { ruleName: 'example', ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example' };

const transform = (
  inputTemplate: string,
  inputPathsMap: Record<string, string> = DOC_PATHS,
  event: unknown = EC2_EVENT,
) => applyInputTransformer({ inputPathsMap, inputTemplate }, event, RULE);

describe('applyInputTransformer: the documented examples', () => {
  it.each([
    ['a simple string', '"instance <instance> is in <state>"', '"instance i-0123456789 is in RUNNING"'],
    [
      'a string with escaped quotes (console behaviour)',
      '"instance \\"<instance>\\" is in <state>"',
      '"instance \\"i-0123456789\\" is in RUNNING"',
    ],
    [
      'simple JSON',
      '{\n  "instance" : <instance>,\n  "state": <state>\n}',
      '{"instance":"i-0123456789","state":"RUNNING"}',
    ],
    [
      'JSON with strings and variables',
      '{\n "instance" : <instance>,\n "state": "<state>",\n "instanceStatus": "instance \\"<instance>\\" is in <state>"\n}',
      '{"instance":"i-0123456789","state":"RUNNING","instanceStatus":"instance \\"i-0123456789\\" is in RUNNING"}',
    ],
    [
      'JSON mixing variables and static information',
      '{\n  "instance" : <instance>,\n  "state": [ 9, <state>, true ],\n  "Transformed" : "Yes"\n}',
      '{"instance":"i-0123456789","state":[9,"RUNNING",true],"Transformed":"Yes"}',
    ],
    ['a reserved variable in a string', '"<aws.events.rule-name> triggered"', '"example triggered"'],
  ])('%s', (_name, template, expected) => {
    expect(transform(template)).toBe(expected);
  });

  it('includes reserved variables in JSON', () => {
    // Act
    const output = transform(
      '{\n  "instance" : <instance>,\n  "state": <state>,\n  "ruleArn" : <aws.events.rule-arn>,\n' +
        '  "ruleName" : <aws.events.rule-name>,\n  "originalEvent" : <aws.events.event>\n}',
    );

    // Assess
    const { detail: _detail, 'detail-type': detailType, ...envelope } = EC2_EVENT;
    expect(JSON.parse(output)).toEqual({
      instance: 'i-0123456789',
      state: 'RUNNING',
      ruleArn: RULE.ruleArn,
      ruleName: 'example',
      originalEvent: { ...envelope, detailType },
    });
  });

  it('gives the whole event, detail included, as aws.events.event.json', () => {
    expect(JSON.parse(transform('{"event": <aws.events.event.json>}'))).toEqual({ event: EC2_EVENT });
  });

  it('gives the ingestion time as aws.events.event.ingestion-time', () => {
    expect(transform('"at <aws.events.event.ingestion-time>"')).toBe('"at 2015-11-11T21:29:54Z"');
  });

  it('fills the tutorial template from the detail-type', () => {
    const output = applyInputTransformer(
      {
        inputPathsMap: { 'detail-type': '$.detail-type' },
        inputTemplate: '"This event was of <detail-type> type."',
      },
      { 'detail-type': 'customerCreated' },
      RULE,
    );
    expect(output).toBe('"This event was of customerCreated type."');
  });

  it('fills the API reference templates', () => {
    const paths = { instance: '$.detail.instance-id', status: '$.detail.state' };
    expect(transform('<instance> is in state <status>', paths)).toBe('i-0123456789 is in state RUNNING');
    expect(
      transform('{"myInstance": <instance>,"myStatus": "<instance> is in state \\"<status>\\""}', paths),
    ).toBe('{"myInstance":"i-0123456789","myStatus":"i-0123456789 is in state \\"RUNNING\\""}');
  });
});

describe('applyInputTransformer: values of every type', () => {
  // JSON text, so the numbers keep their written form.
  const event =
    '{"detail": {"count": 80, "ratio": 1.5e2, "price": 12.50, "ok": false, "none": null, ' +
    '"tags": ["a", "b"], "person": {"name": "张伟"}}}';
  const paths = {
    count: '$.detail.count',
    ratio: '$.detail.ratio',
    price: '$.detail.price',
    ok: '$.detail.ok',
    none: '$.detail.none',
    tags: '$.detail.tags',
    firstTag: '$.detail.tags[0]',
    person: '$.detail.person',
    missing: '$.detail.nowhere',
  };

  it('writes unquoted JSON values in their JSON form, numbers as written', () => {
    const output = transform(
      '{"count":<count>,"ratio":<ratio>,"price":<price>,"ok":<ok>,"none":<none>,"tags":<tags>,"first":<firstTag>,"person":<person>}',
      paths,
      event,
    );
    expect(output).toBe(
      '{"count":80,"ratio":1.5e2,"price":12.50,"ok":false,"none":null,"tags":["a","b"],"first":"a","person":{"name":"张伟"}}',
    );
  });

  it('writes a missing path as "" when unquoted and as nothing inside a string', () => {
    expect(transform('{"command": <missing>, "text": "detail <missing>"}', paths, event)).toBe(
      '{"command":"","text":"detail "}',
    );
    expect(transform('"Event info extracted from detail <missing>"', paths, event)).toBe(
      '"Event info extracted from detail "',
    );
  });

  it('escapes quotes in unquoted string values, so the JSON stays valid', () => {
    const output = transform('{"state": <state>}', DOC_PATHS, { detail: { state: 'say "hi"\\' } });
    expect(JSON.parse(output)).toEqual({ state: 'say "hi"\\' });
  });

  it('fails delivery when a quoted placeholder pastes an unescaped quote, without echoing the value', () => {
    const attempt = () => transform('{"state": "<state>"}', DOC_PATHS, { detail: { state: 'say "hi"' } });
    expect(attempt).toThrow(InputTransformerError);
    expect(attempt).not.toThrow(/hi/);
  });

  it('keeps whitespace inside strings when minifying', () => {
    expect(transform('{ "a b" : "c  d <state>" }', DOC_PATHS)).toBe('{"a b":"c  d RUNNING"}');
  });
});

describe('transformers EventBridge would refuse', () => {
  it.each([
    [
      'an undefined placeholder',
      { inputPathsMap: {}, inputTemplate: '"<notdefinedkey>"' },
      /invalid placeholder notdefinedkey/,
    ],
    [
      'a key starting with AWS.',
      { inputPathsMap: { 'AWS.x': '$.detail' }, inputTemplate: '"<AWS.x>"' },
      /AWS\./,
    ],
    [
      'more than 100 variables',
      {
        inputPathsMap: Object.fromEntries(
          Array.from({ length: 101 }, (_, index) => [`v${index}`, '$.detail']),
        ),
        inputTemplate: '"x"',
      },
      /100/,
    ],
    ['an empty template', { inputTemplate: '' }, /InputTemplate/],
    ['a template over 8192 characters', { inputTemplate: `"${'x'.repeat(8192)}"` }, /8192/],
    [
      'bracket notation',
      { inputPathsMap: { a: "$['detail']" }, inputTemplate: '"<a>"' },
      /dot notation|must start/,
    ],
    ['a wildcard path', { inputPathsMap: { a: '$.detail.*' }, inputTemplate: '"<a>"' }, /wildcard/],
  ] as Array<[string, InputTransformer, RegExp]>)('rejects %s', (_name, transformer, message) => {
    expect(() => compileInputTransformer(transformer)).toThrow(InputTransformerError);
    expect(() => compileInputTransformer(transformer)).toThrow(message);
  });
});
