import { CHANGES, type Change, type DetailType, detailTypeOf } from './catalogue.ts';
import { EVENT_KINDS, type EventKind } from './kinds.ts';
import { CHANGE_EVENT_SCHEMA_VERSION, type ChangeEventDetail } from './payload.ts';
import { projectedRecord } from './subscriptions.ts';

/*
 * Sample payloads for contract tests, docs and the local demo: one canonical record per kind, in the
 * shapes of contracts.md. All people and organisations are invented; the ID numbers and credit codes
 * only satisfy the GB 11643 / GB 32100 check characters.
 */

const OCCURRED_AT = '2026-03-01T08:00:00.000Z';

const ZHANG_WEI = { idNumber: '330106199003071236', name: '张伟', phone: '13800138000' };
const LI_QIANG = { idNumber: '410527198805124538', name: '李强', phone: '13900139000' };
const WANG_FANG = { idNumber: '330106198502145629', name: '王芳', phone: '13700137000' };
const CHEN_MING = { idNumber: '511322199307180015', name: '陈明', phone: '13600136000' };
const ZHANG_XIAOYU = { idNumber: '330106201509010043', name: '张小雨' };
const EMPLOYER = { creditCode: '91330106MA2711111A', name: '杭州示例科技有限公司' };
const HOME = { divisionCode: '330106', detail: '文三路90号3幢2单元301室' };
const PERMIT_NUMBER = 'ZJ3301062026000123';

/** A sample canonical record per kind, without its end date. */
export const SAMPLE_RECORDS: { [K in EventKind]: Record<string, unknown> } = {
  'residence-registration': {
    person: {
      ...ZHANG_WEI,
      gender: 'male',
      birthDate: '1990-03-07',
      ethnicity: '01',
      hukouDivisionCode: '410527',
      educationLevel: 'bachelor',
    },
    address: HOME,
    residenceType: 'rented',
    reason: 'work',
    movedInOn: '2026-01-05',
  },
  'residence-departure': {
    person: LI_QIANG,
    divisionCode: '330106',
    movedOutOn: '2026-02-28',
    destinationDivisionCode: '410527',
  },
  'rental-property': {
    owner: WANG_FANG,
    address: HOME,
    areaSqm: 58.5,
    rooms: 2,
    certificateNo: '浙(2020)杭州市不动产权第0012345号',
  },
  tenancy: {
    tenant: ZHANG_WEI,
    landlord: WANG_FANG,
    property: HOME,
    startsOn: '2026-01-01',
    endsOn: '2026-12-31',
    monthlyRentYuan: 2800,
  },
  employment: {
    person: LI_QIANG,
    employer: { ...EMPLOYER, divisionCode: '330106' },
    contractType: 'fixed-term',
    startsOn: '2026-01-10',
    endsOn: '2028-01-09',
    occupation: '软件工程师',
  },
  'social-insurance': {
    person: LI_QIANG,
    insuranceType: 'pension',
    divisionCode: '330106',
    employer: EMPLOYER,
    startedOn: '2026-02-01',
  },
  schooling: {
    student: { ...ZHANG_XIAOYU, gender: 'female', birthDate: '2015-09-01' },
    school: { name: '杭州市文三路小学', creditCode: '123301064700000014', divisionCode: '330106' },
    stage: 'primary',
    grade: '5',
    enrolledOn: '2021-09-01',
  },
  'business-license': {
    creditCode: '92330106MA2C123456',
    name: '西湖区张记小吃店',
    operator: CHEN_MING,
    address: HOME,
    registeredOn: '2025-11-20',
  },
  'permit-application': {
    applicant: ZHANG_WEI,
    cityDivisionCode: '330100',
    address: HOME,
    claims: ['employment', 'housing'],
    channel: 'self-service',
    submittedOn: '2026-02-02',
  },
  'residence-permit': {
    permitNumber: PERMIT_NUMBER,
    holder: ZHANG_WEI,
    issuingDivisionCode: '330106',
    applicationId: 'permit-application:UGVybWl0QXBwbGljYXRpb2',
    issuedOn: '2026-02-10',
    endorsedUntil: '2027-02-09',
    status: 'valid',
  },
  'card-link': {
    permitNumber: PERMIT_NUMBER,
    holder: ZHANG_WEI,
    cardType: 'citizen-card',
    cardNumber: 'HZ0012345678',
    divisionCode: '330100',
    linkedOn: '2026-02-20',
  },
};

/** The field that carries each kind's end date (RecordFacts.endedOn), where the kind has one. */
export const SAMPLE_END_FIELDS: { [K in EventKind]?: string } = {
  'residence-registration': 'movedOutOn',
  tenancy: 'endedOn',
  employment: 'endedOn',
  'social-insurance': 'stoppedOn',
  schooling: 'leftOn',
  'business-license': 'revokedOn',
  'card-link': 'unlinkedOn',
};

const PERSON_KEYS: { [K in EventKind]?: string } = {
  'residence-registration': 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
  'residence-departure': 'b4e2d3c5f6a70819304b5c6d7e8f9a01b2c3d4e5f6a70819304b5c6d7e8f9a01',
  tenancy: 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
  employment: 'b4e2d3c5f6a70819304b5c6d7e8f9a01b2c3d4e5f6a70819304b5c6d7e8f9a01',
  'social-insurance': 'b4e2d3c5f6a70819304b5c6d7e8f9a01b2c3d4e5f6a70819304b5c6d7e8f9a01',
  schooling: 'c5f3e4d6a7b8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192',
  'business-license': 'd6a4f5e7b8c90a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293',
  'permit-application': 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
  'residence-permit': 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
  'card-link': 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
};

const SUBMITTERS: { [K in EventKind]: { role: string; submitterId: string } } = {
  'residence-registration': { role: 'landlord', submitterId: 'landlord-0001' },
  'residence-departure': { role: 'landlord', submitterId: 'landlord-0001' },
  'rental-property': { role: 'landlord', submitterId: 'landlord-0001' },
  tenancy: { role: 'agency', submitterId: 'agency-0007' },
  employment: { role: 'employer', submitterId: 'employer-0042' },
  'social-insurance': { role: 'employer', submitterId: 'employer-0042' },
  schooling: { role: 'school', submitterId: 'school-0003' },
  'business-license': { role: 'department', submitterId: 'amr-xihu' },
  'permit-application': { role: 'resident', submitterId: 'resident-zhang-wei' },
  'residence-permit': { role: 'department', submitterId: 'psb-xihu' },
  'card-link': { role: 'department', submitterId: 'hrss-hangzhou-citizen-card' },
};

const VERSION_OF: Record<Change, number> = { created: 1, updated: 2, ended: 3 };
const END_DATE = '2026-06-30';

/** A sample record id: the kind plus 22 base64url characters, as domain/record-id.ts builds them. */
export function sampleRecordId(kind: EventKind): string {
  return `${kind}:Q2hhbmdlRXZlbnRzU2FtcG`;
}

/** The sample record of a kind as it stands after `change` (the end date set for `ended`). */
export function sampleRecord(kind: EventKind, change: Change): Record<string, unknown> {
  const endField = SAMPLE_END_FIELDS[kind];
  const record = structuredClone(SAMPLE_RECORDS[kind]);
  if (change === 'ended' && endField !== undefined) record[endField] = END_DATE;
  return record;
}

/** The sample detail of one kind and change. */
export function sampleDetail<K extends EventKind>(kind: K, change: Change): ChangeEventDetail<K> {
  const recordId = sampleRecordId(kind);
  const version = VERSION_OF[change];
  const personKey = PERSON_KEYS[kind];
  return {
    id: `${recordId}:${version}`,
    schemaVersion: CHANGE_EVENT_SCHEMA_VERSION,
    kind,
    change,
    recordId,
    version,
    ...(personKey === undefined ? {} : { personKey }),
    divisionCode: '330106',
    occurredAt: OCCURRED_AT,
    submittedBy: { ...SUBMITTERS[kind] },
    record: projectedRecord(kind, sampleRecord(kind, change)),
  } as ChangeEventDetail<K>;
}

/** One sample detail per detail-type (kinds without an end date still get an `Ended` sample of the shape). */
export const SAMPLE_DETAILS = Object.fromEntries(
  EVENT_KINDS.flatMap((kind) =>
    CHANGES.map((change) => [detailTypeOf(kind, change), sampleDetail(kind, change)]),
  ),
) as Record<DetailType, ChangeEventDetail>;
