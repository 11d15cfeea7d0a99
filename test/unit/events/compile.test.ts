import { describe, expect, it } from 'vitest';
import {
  applyInputTransformer,
  buildChangeEvent,
  CHANGES,
  type ChangeEventDetail,
  type CompiledRule,
  compileSmokeRule,
  compileSubscription,
  compileSubscriptions,
  detailTypeOf,
  detailTypesOfKind,
  EVENT_KINDS,
  type EventKind,
  MAX_INPUT_PATHS,
  PROJECTED_RECORD_PATHS,
  SMOKE_KIND,
  SMOKE_SUBMITTER_ID,
  SOURCE,
  SUBSCRIPTIONS,
  type Subscription,
  SubscriptionCompileError,
  sampleDetail,
  subscriptionFor,
} from '../../../events/index.ts';
import { compilePattern, matchesPattern } from '../../../local/bus/index.ts';

const RULES = compileSubscriptions(SUBSCRIPTIONS);

/** A housing office restricted to an area, named after it (`housing-3301`), as a city deployment would filter. */
const housingOffice = (divisionCodePrefix: string[]): Subscription =>
  subscriptionFor('housing', {
    name: `housing-${divisionCodePrefix.join('-')}`,
    filter: { divisionCodePrefix },
  });

/** The event EventBridge builds around a detail (what patterns and transformers see). */
function busEvent(detail: ChangeEventDetail) {
  return {
    version: '0',
    id: '7bf73129-1428-4cd3-a780-95db273d1602',
    'detail-type': detailTypeOf(detail.kind, detail.change),
    source: SOURCE,
    account: '000000000000',
    time: '2026-03-01T08:00:01Z',
    region: 'cn-north-1',
    resources: [],
    detail,
  };
}

/** What a department must receive: the projected paths, nested as in the detail; missing ones as "". */
function expectedMessage(detail: ChangeEventDetail, paths: readonly string[]): Record<string, unknown> {
  // A live event has no replay-name: the message says so with `replay: ""`.
  const message: Record<string, unknown> = { type: detailTypeOf(detail.kind, detail.change), replay: '' };
  for (const path of paths) {
    const segments = path.split('.');
    let source: unknown = detail;
    let target = message;
    for (const [index, segment] of segments.entries()) {
      source = (source as Record<string, unknown> | undefined)?.[segment];
      if (index === segments.length - 1) target[segment] = source === undefined ? '' : source;
      else {
        target[segment] ??= {};
        target = target[segment] as Record<string, unknown>;
      }
    }
  }
  return message;
}

/** Every operator (object key inside a value array) a pattern uses. */
function operatorsOf(pattern: unknown): string[] {
  if (Array.isArray(pattern)) {
    return pattern.flatMap((value) =>
      typeof value === 'object' && value !== null
        ? [...Object.keys(value), ...operatorsOf(Object.values(value))]
        : [],
    );
  }
  if (typeof pattern === 'object' && pattern !== null) return Object.values(pattern).flatMap(operatorsOf);
  return [];
}

function keysDeep(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) => [key, ...keysDeep(child)]);
}

describe('compiling the default catalogue', () => {
  it('makes one rule per department and kind, with unique valid names', () => {
    const expected = SUBSCRIPTIONS.flatMap((subscription) =>
      Object.keys(subscription.fields).map((kind) => `${subscription.name}-${kind}`),
    );
    expect(RULES.map((rule) => rule.ruleName).sort()).toEqual(expected.sort());
    for (const rule of RULES) expect(rule.ruleName).toMatch(/^[.\-_A-Za-z0-9]{1,64}$/);
  });

  it.each(RULES.map((rule) => [rule.ruleName, rule] as const))(
    '%s matches its kind on our source',
    (_name, rule) => {
      expect(rule.eventPattern).toEqual({
        source: [SOURCE],
        'detail-type': detailTypesOfKind(rule.kind),
        detail: { submittedBy: { submitterId: [{ 'anything-but': SMOKE_SUBMITTER_ID }] } },
      });
    },
  );

  it('emits only operators the local bus implements', () => {
    for (const rule of [...RULES, ...compileSubscription(housingOffice(['3301', '3302']))]) {
      expect(() => compilePattern(rule.eventPattern)).not.toThrow();
      expect(
        operatorsOf(rule.eventPattern).filter((operator) => !['prefix', 'anything-but'].includes(operator)),
      ).toEqual([]);
    }
  });

  it.each(RULES.map((rule) => [rule.ruleName, rule] as const))(
    '%s has a well-formed input transformer',
    (_name, rule) => {
      const { inputPathsMap, inputTemplate } = rule.inputTransformer;
      const variables = Object.keys(inputPathsMap);
      expect(variables.length).toBeLessThanOrEqual(MAX_INPUT_PATHS);
      for (const [variable, path] of Object.entries(inputPathsMap)) {
        expect(variable).not.toMatch(/^aws\./i);
        expect(['$.detail-type', '$.replay-name'].includes(path) || path.startsWith('$.detail.')).toBe(true);
      }
      const placeholders = [...inputTemplate.matchAll(/<([^<>]*)>/g)].map((match) => match[1]);
      expect(placeholders.sort()).toEqual(variables.sort());
      // Placeholders only unquoted and only as values: replacing them by a literal leaves valid JSON.
      expect(inputTemplate).not.toMatch(/"<|>"/);
      expect(() => JSON.parse(inputTemplate.replace(/<[^<>]*>/g, 'null'))).not.toThrow();
    },
  );
});

describe('the projection a department receives', () => {
  const cases = RULES.flatMap((rule) => CHANGES.map((change) => [rule.ruleName, change, rule] as const));

  it.each(cases)('%s on %s: exactly the projected fields, nested as in the detail', (_name, change, rule) => {
    // Prepare
    const detail = sampleDetail(rule.kind, change);
    const paths = SUBSCRIPTIONS.find((subscription) => rule.ruleName.startsWith(`${subscription.name}-`))
      ?.fields[rule.kind] as readonly string[];

    // Act
    const message = applyInputTransformer(rule.inputTransformer, busEvent(detail));

    // Assess
    expect(matchesPattern(rule.eventPattern, busEvent(detail))).toBe(true);
    expect(JSON.parse(message)).toEqual(expectedMessage(detail, paths));
  });

  it('delivers an absent optional field as null, because the published event carries every projected path', () => {
    const rule = RULES.find((candidate) => candidate.ruleName === 'public-security-residence-registration');
    const sample = sampleDetail('residence-registration', 'created');
    const { movedOutOn: _absent, ...record } = sample.record;
    const { detail } = buildChangeEvent({ ...sample, record });
    expect(detail.record.movedOutOn).toBeNull();
    const message = JSON.parse(
      applyInputTransformer((rule as CompiledRule).inputTransformer, busEvent(detail)),
    );
    expect(message.record.movedOutOn).toBeNull();
    expect(message.record.person.name).toBe('张伟');
  });

  it('would deliver "" for a path missing from the event, as EventBridge does', () => {
    const rule = RULES.find((candidate) => candidate.ruleName === 'public-security-residence-registration');
    const detail = sampleDetail('residence-registration', 'created');
    const { movedOutOn: _absent, ...record } = detail.record;
    const message = JSON.parse(
      applyInputTransformer((rule as CompiledRule).inputTransformer, busEvent({ ...detail, record })),
    );
    expect(message.record.movedOutOn).toBe('');
  });

  it('projects, for every kind, only paths its published record carries', () => {
    for (const [kind, paths] of Object.entries(PROJECTED_RECORD_PATHS)) {
      const record = sampleDetail(kind as ChangeEventDetail['kind'], 'created').record;
      for (const path of paths ?? []) {
        const value = path
          .split('.')
          .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], record);
        expect(value, `${kind} record.${path}`).not.toBeUndefined();
      }
    }
  });

  it.each([
    ['health', ['employer', 'idNumber', 'ethnicity', 'submittedBy']],
    ['housing', ['ethnicity', 'employer']],
    ['hrss', ['ethnicity']],
    ['education', ['ethnicity', 'employer']],
  ] as const)('%s messages never carry %o', (department, keys) => {
    for (const rule of RULES.filter((candidate) => candidate.department === department)) {
      for (const change of CHANGES) {
        const message = JSON.parse(
          applyInputTransformer(rule.inputTransformer, busEvent(sampleDetail(rule.kind, change))),
        );
        expect(keysDeep(message).filter((key) => (keys as readonly string[]).includes(key))).toEqual([]);
      }
    }
  });
});

describe('content filters', () => {
  const [office] = compileSubscription(housingOffice(['3301']));
  const tenancyIn = (divisionCode: string) =>
    busEvent({ ...sampleDetail('tenancy', 'created'), divisionCode });

  it('compiles a division filter into prefix matches on detail.divisionCode', () => {
    const rules = compileSubscription(housingOffice(['3301', '330206']));
    expect(rules.map((rule) => rule.ruleName)).toEqual([
      'housing-3301-330206-rental-property',
      'housing-3301-330206-tenancy',
    ]);
    expect(rules[1]?.eventPattern.detail.divisionCode).toEqual([{ prefix: '3301' }, { prefix: '330206' }]);
  });

  it('lets through only events of the area', () => {
    const rule = compileSubscription(housingOffice(['3301'])).find(
      (candidate) => candidate.kind === 'tenancy',
    ) as CompiledRule;
    expect(office).toBeDefined();
    expect(matchesPattern(rule.eventPattern, tenancyIn('330106'))).toBe(true);
    expect(matchesPattern(rule.eventPattern, tenancyIn('330212'))).toBe(false);
    expect(matchesPattern(rule.eventPattern, tenancyIn('110105'))).toBe(false);
  });
});

describe('the smoke test subscriber', () => {
  const smoke = compileSmokeRule();
  const smokeEvent = (kind: EventKind, submitterId: string) =>
    busEvent({ ...sampleDetail(kind, 'created'), submittedBy: { role: 'department', submitterId } });

  it('receives the smoke submitter’s records, and no department does', () => {
    for (const kind of EVENT_KINDS) {
      const event = smokeEvent(kind, SMOKE_SUBMITTER_ID);
      expect(matchesPattern(smoke.eventPattern, event)).toBe(kind === SMOKE_KIND);
      for (const rule of RULES) expect(matchesPattern(rule.eventPattern, event)).toBe(false);
    }
  });

  it('receives nothing of anyone else, while the departments do', () => {
    const event = smokeEvent(SMOKE_KIND, 'landlord-wang-fang');
    expect(matchesPattern(smoke.eventPattern, event)).toBe(false);
    expect(RULES.filter((rule) => matchesPattern(rule.eventPattern, event)).map((r) => r.ruleName)).toEqual([
      'public-security-rental-property',
      'housing-rental-property',
    ]);
  });

  it('gets the envelope only', () => {
    const message = JSON.parse(
      applyInputTransformer(smoke.inputTransformer, smokeEvent(SMOKE_KIND, SMOKE_SUBMITTER_ID)),
    );
    expect(Object.keys(message).sort()).toEqual(
      [
        'change',
        'divisionCode',
        'id',
        'kind',
        'occurredAt',
        'recordId',
        'replay',
        'schemaVersion',
        'submittedBy',
        'type',
        'version',
      ].sort(),
    );
  });
});

describe('compile errors', () => {
  const base = (): Subscription => subscriptionFor('health');
  const withFields = (fields: Subscription['fields']): Subscription => ({ ...base(), fields });

  it.each([
    [
      'fields for a kind it has no event type of',
      { ...base(), eventTypes: detailTypesOfKind('residence-departure') },
    ],
    ['event types without fields', withFields({ 'residence-registration': ['id'] })],
    ['an unknown event type', { ...base(), eventTypes: ['Parking.Created'] } as unknown as Subscription],
    ['no event types', { ...base(), eventTypes: [] }],
    [
      'the same event type twice',
      { ...base(), eventTypes: ['ResidenceDeparture.Created', 'ResidenceDeparture.Created'] },
    ],
  ] as const)('rejects %s', (_name, subscription) => {
    expect(() => compileSubscription(subscription as Subscription)).toThrow(SubscriptionCompileError);
  });

  const departureOnly = (paths: string[]): Subscription => ({
    ...base(),
    eventTypes: detailTypesOfKind('residence-departure'),
    fields: { 'residence-departure': paths as Subscription['fields']['residence-departure'] },
  });

  it.each([
    ['the whole record', ['id', 'record']],
    ['the whole submittedBy', ['id', 'submittedBy']],
    ['a field outside the envelope', ['id', 'nonsense']],
    ['a path that is not camelCase names', ['id', 'record.person.first-name']],
    ['overlapping paths', ['id', 'record.person', 'record.person.name']],
    ['overlapping paths the other way round', ['id', 'record.person.name', 'record.person']],
    ['a path twice', ['id', 'record.movedOutOn', 'record.movedOutOn']],
    ['more than 100 variables', ['id', ...Array.from({ length: 100 }, (_, index) => `record.field${index}`)]],
    ['no fields at all', []],
  ])('rejects a projection with %s', (_name, paths) => {
    expect(() => compileSubscription(departureOnly(paths))).toThrow(SubscriptionCompileError);
  });

  it('rejects two subscriptions whose rules would share a name', () => {
    expect(() => compileSubscriptions([subscriptionFor('housing'), subscriptionFor('housing')])).toThrow(
      /duplicate rule name housing-rental-property/,
    );
  });

  it('rejects a rule name EventBridge would refuse', () => {
    expect(() => compileSubscription(subscriptionFor('housing', { name: 'housing office' }))).toThrow(
      SubscriptionCompileError,
    );
  });

  it('puts type right after id in the message', () => {
    const [rule] = compileSubscription(base());
    expect(rule?.inputTransformer.inputTemplate.startsWith('{"id":<id>,"type":<detailType>,')).toBe(true);
  });
});
