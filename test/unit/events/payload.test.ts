import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  buildChangeEvent,
  CHANGES,
  type ChangeEventInput,
  ChangeEventTooLargeError,
  changeEventDetailSchema,
  detailSchemaForType,
  detailTypeOf,
  detailTypesOfKind,
  EVENT_KINDS,
  MAX_ENTRY_BYTES,
  parseDetailType,
  SAMPLE_DETAILS,
  SAMPLE_END_FIELDS,
  SOURCE,
  sampleDetail,
  sampleRecord,
} from '../../../events/index.ts';
import { CANONICAL_LEAF_PATHS, leafPathsOf } from './canonical-shapes.ts';

const DETAIL_TYPES = EVENT_KINDS.flatMap((kind) => detailTypesOfKind(kind));

describe('sample payloads', () => {
  it('exist for every detail type', () => {
    expect(Object.keys(SAMPLE_DETAILS).sort()).toEqual([...DETAIL_TYPES].sort());
  });

  it.each(DETAIL_TYPES)('%s sample satisfies the contract', (detailType) => {
    // Prepare
    const sample = SAMPLE_DETAILS[detailType];
    const parsed = parseDetailType(detailType);
    if (parsed === undefined) throw new Error(`not a detail type: ${detailType}`);

    // Act
    const asAny = changeEventDetailSchema.safeParse(sample);
    const asType = detailSchemaForType(parsed.kind, parsed.change).safeParse(sample);

    // Assess
    expect(asAny.success, JSON.stringify(asAny.error?.issues)).toBe(true);
    expect(asType.success, JSON.stringify(asType.error?.issues)).toBe(true);
    expect(sample.kind).toBe(parsed.kind);
    expect(sample.change).toBe(parsed.change);
  });

  it.each(EVENT_KINDS)('%s sample record uses only canonical fields', (kind) => {
    const paths = leafPathsOf(sampleRecord(kind, 'ended'));
    expect(paths.filter((path) => !CANONICAL_LEAF_PATHS[kind].includes(path))).toEqual([]);
  });

  it('sets the end date only in Ended samples', () => {
    for (const [kind, endField] of Object.entries(SAMPLE_END_FIELDS)) {
      expect(sampleRecord(kind as (typeof EVENT_KINDS)[number], 'updated')).not.toHaveProperty(endField);
      expect(sampleRecord(kind as (typeof EVENT_KINDS)[number], 'ended')).toHaveProperty(endField);
    }
  });
});

describe('change-event detail schema', () => {
  const valid = () => structuredClone(sampleDetail('tenancy', 'updated')) as Record<string, unknown>;

  it.each([
    ['an id that is not <recordId>:<version>', { id: 'tenancy:Q2hhbmdlRXZlbnRzU2FtcG:3' }, 'id'],
    ['a record id of another kind', { recordId: 'employment:Q2hhbmdlRXZlbnRzU2FtcG' }, 'recordId'],
    ['change "created" after version 1', { change: 'created' }, 'change'],
    ['an upper-case personKey', { personKey: 'A'.repeat(64) }, 'personKey'],
    ['a 4-digit divisionCode', { divisionCode: '3301' }, 'divisionCode'],
    ['a non-ISO occurredAt', { occurredAt: '2026-03-01 08:00' }, 'occurredAt'],
    ['version 0', { version: 0 }, 'version'],
    ['an unknown change', { change: 'deleted' }, 'change'],
    ['an unknown envelope field', { extra: true }, ''],
    ['a submittedBy without submitterId', { submittedBy: { role: 'agency' } }, 'submittedBy'],
  ])('rejects %s', (_name, patch, path) => {
    const result = changeEventDetailSchema.safeParse({ ...valid(), ...patch });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContainEqual(
      expect.stringMatching(new RegExp(`^${path}`)),
    );
  });

  it('rejects a detail whose change disagrees with its detail type', () => {
    const result = detailSchemaForType('tenancy', 'ended').safeParse(valid());
    expect(result.success).toBe(false);
  });

  it('rejects an unknown kind', () => {
    expect(changeEventDetailSchema.safeParse({ ...valid(), kind: 'parking-permit' }).success).toBe(false);
  });
});

describe('buildChangeEvent', () => {
  const input = (overrides: Partial<ChangeEventInput> = {}): ChangeEventInput => {
    const sample = sampleDetail('tenancy', 'updated');
    return {
      kind: 'tenancy',
      recordId: sample.recordId,
      version: 2,
      personKey: sample.personKey,
      divisionCode: sample.divisionCode,
      occurredAt: sample.occurredAt,
      submittedBy: sample.submittedBy,
      record: sampleRecord('tenancy', 'updated'),
      ...overrides,
    };
  };

  it('agrees with the sample of every detail type', () => {
    for (const kind of EVENT_KINDS) {
      for (const change of CHANGES) {
        // Prepare
        const sample = sampleDetail(kind, change);
        const endField = SAMPLE_END_FIELDS[kind];
        const endedOn =
          endField === undefined ? undefined : ((sample.record[endField] ?? undefined) as string | undefined);

        // Act
        const event = buildChangeEvent({
          kind,
          recordId: sample.recordId,
          version: sample.version,
          personKey: sample.personKey,
          divisionCode: sample.divisionCode,
          occurredAt: sample.occurredAt,
          submittedBy: sample.submittedBy,
          record: sample.record,
          endedOn: change === 'ended' && endedOn === undefined ? '2026-06-30' : endedOn,
        });

        // Assess
        expect(event.detail).toEqual(sample);
        expect(event.entry.DetailType).toBe(detailTypeOf(kind, change));
      }
    }
  });

  it('returns a PutEvents entry whose Detail is the detail as JSON', () => {
    const { entry, detail, change } = buildChangeEvent(input());
    expect(change).toBe('updated');
    expect(entry).toEqual({ Source: SOURCE, DetailType: 'Tenancy.Updated', Detail: JSON.stringify(detail) });
    expect(changeEventDetailSchema.parse(JSON.parse(entry.Detail))).toEqual(detail);
    expect(detail.id).toBe(`${detail.recordId}:2`);
  });

  it('names the bus only when asked', () => {
    expect(buildChangeEvent(input({ eventBusName: 'hub' })).entry.EventBusName).toBe('hub');
    expect(buildChangeEvent(input()).entry).not.toHaveProperty('EventBusName');
  });

  it('publishes Ended when the end date first appears, Updated afterwards', () => {
    const ended = buildChangeEvent(input({ version: 3, endedOn: '2026-06-30' }));
    const again = buildChangeEvent(
      input({ version: 4, endedOn: '2026-06-30', previousEndedOn: '2026-06-30' }),
    );
    expect(ended.entry.DetailType).toBe('Tenancy.Ended');
    expect(again.entry.DetailType).toBe('Tenancy.Updated');
  });

  it('writes a Date occurredAt as ISO 8601', () => {
    const { detail } = buildChangeEvent(input({ occurredAt: new Date(Date.UTC(2026, 2, 1, 8)) }));
    expect(detail.occurredAt).toBe('2026-03-01T08:00:00.000Z');
  });

  it('leaves personKey out for kinds without a person, and keeps only role and submitterId', () => {
    const sample = sampleDetail('rental-property', 'created');
    const { detail } = buildChangeEvent({
      kind: 'rental-property',
      recordId: sample.recordId,
      version: 1,
      divisionCode: '330106',
      occurredAt: sample.occurredAt,
      submittedBy: { ...sample.submittedBy, sourceId: 'L-0001' } as ChangeEventInput['submittedBy'],
      record: sample.record,
    });
    expect(detail).not.toHaveProperty('personKey');
    expect(detail.submittedBy).toEqual(sample.submittedBy);
  });

  it('refuses a detail that breaks the contract', () => {
    expect(() => buildChangeEvent(input({ divisionCode: '33010' }))).toThrow(ZodError);
    expect(() => buildChangeEvent(input({ recordId: 'employment:Q2hhbmdlRXZlbnRzU2FtcG' }))).toThrow(
      ZodError,
    );
    expect(() => buildChangeEvent(input({ version: 0 }))).toThrow(RangeError);
  });

  it('refuses an event over the 256 KB entry limit', () => {
    const record = { ...sampleRecord('tenancy', 'updated'), padding: 'x'.repeat(MAX_ENTRY_BYTES) };
    expect(() => buildChangeEvent(input({ record }))).toThrow(ChangeEventTooLargeError);
  });
});
