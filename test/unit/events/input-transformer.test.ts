import { describe, expect, it } from 'vitest';
import {
  applyInputTransformer,
  type CompiledInputTransformer,
  compileInputTransformer,
  InputTransformerError,
  MAX_INPUT_PATHS,
  MAX_INPUT_TEMPLATE_LENGTH,
} from '../../../events/index.ts';

/*
 * EventBridge's input transformation of what compile.ts emits: unquoted placeholders as JSON values, dot-notation
 * paths. Missing-path behaviour follows AWS-recorded snapshots (localstack
 * tests/aws/services/events/test_events_inputs.snapshot.json); a `null` value follows the documented rule that an
 * unquoted placeholder takes the value's JSON form.
 */

const EVENT = {
  'detail-type': 'Tenancy.Updated',
  source: 'residence-data-hub',
  detail: { id: 't:1', record: { rent: 1500, person: { name: '张伟' }, endedOn: null, tags: ['a'] } },
};

const TRANSFORMER: CompiledInputTransformer = {
  inputPathsMap: {
    detailType: '$.detail-type',
    id: '$.detail.id',
    record_rent: '$.detail.record.rent',
    record_person_name: '$.detail.record.person.name',
    record_endedOn: '$.detail.record.endedOn',
    record_tags: '$.detail.record.tags',
    record_creditCode: '$.detail.record.creditCode',
  },
  inputTemplate:
    '{"id":<id>,"type":<detailType>,"record":{"rent":<record_rent>,"person":{"name":<record_person_name>},' +
    '"endedOn":<record_endedOn>,"tags":<record_tags>,"creditCode":<record_creditCode>}}',
};

describe('applyInputTransformer', () => {
  it('writes each value\'s JSON form, minified; null as null and a missing path as ""', () => {
    expect(JSON.parse(applyInputTransformer(TRANSFORMER, EVENT))).toEqual({
      id: 't:1',
      type: 'Tenancy.Updated',
      record: { rent: 1500, person: { name: '张伟' }, endedOn: null, tags: ['a'], creditCode: '' },
    });
    expect(applyInputTransformer(TRANSFORMER, JSON.stringify(EVENT))).not.toMatch(/\s/);
  });

  it('keeps a value with quotes and backslashes valid JSON', () => {
    const event = { ...EVENT, detail: { ...EVENT.detail, id: 'a "quoted" \\ word' } };
    expect(JSON.parse(applyInputTransformer(TRANSFORMER, event)).id).toBe('a "quoted" \\ word');
  });
});

describe('compileInputTransformer refuses what compile never emits', () => {
  const paths = { v: '$.detail.v' };
  it.each([
    ['a quoted placeholder', paths, '{"v":"<v>"}'],
    ['a text template', paths, '"value <v>"'],
    ['a JSON array template', paths, '[<v>]'],
    ['a placeholder as a key', paths, '{<v>:1}'],
    ['an undefined placeholder', paths, '{"v":<w>}'],
    ['a reserved variable', paths, '{"v":<aws.events.event.json>}'],
    ['bracket notation', { v: "$.detail['v']" }, '{"v":<v>}'],
    ['an array index', { v: '$.detail.v[0]' }, '{"v":<v>}'],
    ['a wildcard', { v: '$.detail.*' }, '{"v":<v>}'],
    ['a key starting with AWS.', { 'AWS.v': '$.detail.v' }, '{"v":<AWS.v>}'],
    [
      'too many paths',
      Object.fromEntries(Array.from({ length: MAX_INPUT_PATHS + 1 }, (_, i) => [`v${i}`, `$.detail.v${i}`])),
      '{"v":<v0>}',
    ],
    ['a template too long', paths, `{"v":<v>,"pad":"${'x'.repeat(MAX_INPUT_TEMPLATE_LENGTH)}"}`],
  ])('%s', (_case, inputPathsMap, inputTemplate) => {
    expect(() => compileInputTransformer({ inputPathsMap, inputTemplate })).toThrow(InputTransformerError);
  });
});
