import { describe, expect, it } from 'vitest';
import {
  type ChangeEventDetail,
  compileSubscriptions,
  detailTypeOf,
  InputTransformerError,
  MAX_ENTRY_BYTES,
  SAMPLE_DETAILS,
  SOURCE,
  SUBSCRIPTIONS,
  sampleDetail,
} from '../../../../events/index.ts';
import {
  createLocalBus,
  type LocalBusRule,
  PutEventsValidationError,
  type TargetFailure,
  UnsupportedPatternOperatorError,
} from '../../../../local/bus/index.ts';

const FIXED_TIME = new Date(Date.UTC(2026, 2, 1, 8, 0, 0, 123));

function recorder() {
  const messages: string[] = [];
  return { messages, target: async (message: string) => void messages.push(message) };
}

function entryOf(detail: ChangeEventDetail = sampleDetail('tenancy', 'created')) {
  return {
    Source: SOURCE,
    DetailType: detailTypeOf(detail.kind, detail.change),
    Detail: JSON.stringify(detail),
  };
}

function busWith(rules: LocalBusRule[], failures: TargetFailure[] = []) {
  let next = 0;
  return createLocalBus({
    rules,
    clock: () => FIXED_TIME,
    newEventId: () => `event-${++next}`,
    onTargetError: (failure) => void failures.push(failure),
  });
}

describe('putEvents', () => {
  it('delivers the full EventBridge event to a rule without transformer', async () => {
    // Prepare
    const all = recorder();
    const bus = busWith([{ name: 'all', eventPattern: { source: [SOURCE] }, target: all.target }]);
    const entry = entryOf();

    // Act
    const result = await bus.putEvents([entry]);

    // Assess
    expect(result).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
    expect(all.messages.map((message) => JSON.parse(message))).toEqual([
      {
        version: '0',
        id: 'event-1',
        'detail-type': 'Tenancy.Created',
        source: SOURCE,
        account: '000000000000',
        time: '2026-03-01T08:00:00Z',
        region: 'cn-north-1',
        resources: [],
        detail: JSON.parse(entry.Detail),
      },
    ]);
  });

  it('uses the entry Time and Resources when given', async () => {
    const all = recorder();
    const bus = busWith([{ name: 'all', eventPattern: { source: [SOURCE] }, target: all.target }]);
    await bus.putEvents([
      { ...entryOf(), Time: new Date(Date.UTC(2025, 0, 2, 3, 4, 5)), Resources: ['arn:x'] },
    ]);
    expect(JSON.parse(all.messages[0] as string)).toMatchObject({
      time: '2025-01-02T03:04:05Z',
      resources: ['arn:x'],
    });
  });

  it('delivers to every matching rule and to no other', async () => {
    // Prepare
    const tenancies = recorder();
    const alsoTenancies = recorder();
    const employments = recorder();
    const bus = busWith([
      { name: 'tenancies', eventPattern: { 'detail-type': ['Tenancy.Created'] }, target: tenancies.target },
      {
        name: 'area',
        eventPattern: { detail: { divisionCode: [{ prefix: '3301' }] } },
        target: alsoTenancies.target,
      },
      {
        name: 'employments',
        eventPattern: { 'detail-type': ['Employment.Created'] },
        target: employments.target,
      },
    ]);

    // Act
    await bus.putEvents([entryOf()]);

    // Assess
    expect(tenancies.messages).toHaveLength(1);
    expect(alsoTenancies.messages).toHaveLength(1);
    expect(employments.messages).toEqual([]);
  });

  it('reports invalid entries one by one and delivers the others', async () => {
    // Prepare
    const all = recorder();
    const bus = busWith([{ name: 'all', eventPattern: { source: [SOURCE, 's'] }, target: all.target }]);

    // Act
    const result = await bus.putEvents([
      { Source: SOURCE, DetailType: 'Tenancy.Created', Detail: '{"not json"' },
      entryOf(),
      { Source: SOURCE, DetailType: 'Tenancy.Created', Detail: '["an", "array"]' },
      { DetailType: 'Tenancy.Created', Detail: '{}' },
      { Source: SOURCE, Detail: '{}' },
      { Source: SOURCE, DetailType: 'Tenancy.Created' },
      { Source: 's', DetailType: 't', Detail: JSON.stringify({ padding: 'x'.repeat(MAX_ENTRY_BYTES) }) },
      { ...entryOf(), EventBusName: 'elsewhere' },
    ]);

    // Assess
    expect(result.FailedEntryCount).toBe(7);
    expect(result.Entries.map((entry) => entry.ErrorCode ?? entry.EventId)).toEqual([
      'MalformedDetail',
      'event-1',
      'MalformedDetail',
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
    ]);
    expect(result.Entries[3]?.ErrorMessage).toMatch(/Source is a required argument/);
    expect(all.messages).toHaveLength(1);
  });

  it('accepts its own bus by name or ARN', async () => {
    const bus = busWith([]);
    const result = await bus.putEvents([
      { ...entryOf(), EventBusName: 'default' },
      { ...entryOf(), EventBusName: bus.arn },
    ]);
    expect(result.FailedEntryCount).toBe(0);
    expect(bus.arn).toBe('arn:aws-cn:events:cn-north-1:000000000000:event-bus/default');
  });

  it.each([0, 11])('refuses a call with %i entries, as PutEvents does', async (count) => {
    const bus = busWith([]);
    await expect(bus.putEvents(Array.from({ length: count }, () => entryOf()))).rejects.toThrow(
      PutEventsValidationError,
    );
  });
});

describe('delivery', () => {
  it('hands every entry of a call to its targets at once, in entry order, and resolves after all are done', async () => {
    // Prepare: a target that holds each message until released
    const started: string[] = [];
    const releases: (() => void)[] = [];
    const bus = busWith([
      {
        name: 'held',
        eventPattern: { source: [SOURCE] },
        target: (message) => {
          started.push(JSON.parse(message).id);
          return new Promise<void>((resolve) => releases.push(resolve));
        },
      },
    ]);
    let resolved = false;

    // Act
    const call = bus.putEvents([entryOf(), entryOf(), entryOf()]).then((result) => {
      resolved = true;
      return result;
    });
    const startedBeforeRelease = [...started];
    releases.slice(0, 2).forEach((release) => {
      release();
    });
    await new Promise((resolve) => setImmediate(resolve));
    const resolvedWithOneHeld = resolved;
    releases[2]?.();

    // Assess
    expect(startedBeforeRelease).toEqual(['event-1', 'event-2', 'event-3']);
    expect(resolvedWithOneHeld).toBe(false);
    expect((await call).Entries).toEqual([
      { EventId: 'event-1' },
      { EventId: 'event-2' },
      { EventId: 'event-3' },
    ]);
  });
});

describe('delivery failures', () => {
  it('never let a failing target block the others, and reach onTargetError', async () => {
    // Prepare
    const healthy = recorder();
    const failures: TargetFailure[] = [];
    const broken = new Error('queue unavailable');
    const bus = busWith(
      [
        { name: 'broken', eventPattern: { source: [SOURCE] }, target: async () => Promise.reject(broken) },
        { name: 'healthy', eventPattern: { source: [SOURCE] }, target: healthy.target },
      ],
      failures,
    );

    // Act
    const result = await bus.putEvents([entryOf(), entryOf(sampleDetail('tenancy', 'updated'))]);

    // Assess
    expect(result.FailedEntryCount).toBe(0);
    expect(healthy.messages).toHaveLength(2);
    expect(failures.map((failure) => [failure.ruleName, failure.event.id, failure.error])).toEqual([
      ['broken', 'event-1', broken],
      ['broken', 'event-2', broken],
    ]);
    expect(JSON.parse(failures[0]?.message as string).id).toBe('event-1');
  });

  it('surfaces a failing onTargetError after every delivery is done', async () => {
    const healthy = recorder();
    const bus = createLocalBus({
      rules: [
        {
          name: 'broken',
          eventPattern: { source: [SOURCE] },
          target: async () => Promise.reject(new Error('down')),
        },
        { name: 'healthy', eventPattern: { source: [SOURCE] }, target: healthy.target },
      ],
      onTargetError: () => Promise.reject(new Error('dlq down')),
    });
    await expect(bus.putEvents([entryOf()])).rejects.toThrow(AggregateError);
    expect(healthy.messages).toHaveLength(1);
  });
});

describe('rules', () => {
  it('refuses an unsupported operator at start-up', () => {
    expect(() =>
      busWith([
        {
          name: 'ip',
          eventPattern: { detail: { ip: [{ cidr: '10.0.0.0/8' }] } },
          target: async () => undefined,
        },
      ]),
    ).toThrow(UnsupportedPatternOperatorError);
  });

  it('refuses at start-up a transformer compile never emits (a quoted placeholder)', () => {
    expect(() =>
      busWith([
        {
          name: 'quoted',
          eventPattern: { source: ['s'] },
          inputTransformer: { inputPathsMap: { v: '$.detail.v' }, inputTemplate: '{"v":"<v>"}' },
          target: async () => undefined,
        },
      ]),
    ).toThrow(InputTransformerError);
  });

  it('refuses duplicate rule names', () => {
    const rule = { name: 'same', eventPattern: { source: ['s'] }, target: async () => undefined };
    expect(() => busWith([rule, rule])).toThrow(/duplicate rule name/);
  });

  it('runs the compiled catalogue: each department gets its projection of each event', async () => {
    // Prepare
    const received = new Map<string, string[]>();
    const rules = compileSubscriptions(SUBSCRIPTIONS).map((rule) => ({
      name: rule.ruleName,
      eventPattern: rule.eventPattern,
      inputTransformer: rule.inputTransformer,
      target: async (message: string) =>
        void received.set(rule.ruleName, [...(received.get(rule.ruleName) ?? []), message]),
    }));
    const bus = busWith(rules);

    // Act
    const details = Object.values(SAMPLE_DETAILS);
    for (let start = 0; start < details.length; start += 10) {
      await bus.putEvents(details.slice(start, start + 10).map((detail) => entryOf(detail)));
    }

    // Assess
    expect(received.get('health-residence-registration')?.map((message) => JSON.parse(message).type)).toEqual(
      ['ResidenceRegistration.Created', 'ResidenceRegistration.Updated', 'ResidenceRegistration.Ended'],
    );
    expect(received.has('health-employment')).toBe(false);
    expect([...received.keys()].sort()).toEqual(rules.map((rule) => rule.name).sort());
    for (const messages of received.values()) expect(messages).toHaveLength(3);
  });
});
