import { type DetailType, detailTypesOfKind } from './catalogue.ts';
import type { EventKind } from './kinds.ts';

/*
 * The subscription catalogue: the ONLY place that says which department receives which events and
 * which fields of them. Each department gets the minimum its duties need (PIPL; DOMAIN.md §5): the
 * clear ID number only where the department identifies people itself, never ethnicity outside public
 * security, never employer details outside hrss and public security. The CDK app and the local hub
 * both compile these objects (compile.ts), so what is tested locally is what is deployed.
 */

export const DEPARTMENTS = [
  'public-security',
  'housing',
  'hrss',
  'education',
  'health',
  'justice',
  'culture-sports',
] as const;
export type Department = (typeof DEPARTMENTS)[number];

/** Fields of the detail envelope a projection may name (`type` is always delivered, from the detail-type). */
export const ENVELOPE_FIELDS = [
  'id',
  'schemaVersion',
  'kind',
  'change',
  'recordId',
  'version',
  'personKey',
  'divisionCode',
  'occurredAt',
  'submittedBy.role',
  'submittedBy.submitterId',
] as const;
export type EnvelopeField = (typeof ENVELOPE_FIELDS)[number];

/** A path into the change-event detail: an envelope field or a dotted path below `record`. */
export type DetailPath = EnvelopeField | `record.${string}`;

export interface SubscriptionFilter {
  /** Deliver only events whose `divisionCode` starts with one of these (2, 4 or 6 digits: province, city, county). */
  divisionCodePrefix?: readonly string[];
}

export interface Subscription {
  department: Department;
  /**
   * Who receives: the department itself (province-wide) or one of its offices, `<department>@<division prefix>`
   * (`public-security@3301`: Hangzhou). Defaults to the department.
   */
  subscriber: string;
  /** Unique per subscription; names its rules (`<name>-<kind>`) and queues. Defaults to the department. */
  name: string;
  description: string;
  /** The detail-types delivered; every one of them needs a `fields` entry for its kind. */
  eventTypes: readonly DetailType[];
  filter?: SubscriptionFilter;
  /** The projection, per kind: the detail paths the department receives (kinds differ in shape). */
  fields: { readonly [K in EventKind]?: readonly DetailPath[] };
  /** Why the department needs a kind, where the catalogue says so (the permit's kinds, PIPL's necessity). */
  reasons: { readonly [K in EventKind]?: string };
}

/** Who the event is, when and where: every department needs these to de-duplicate and order. */
export const ENVELOPE: readonly DetailPath[] = [
  'id',
  'schemaVersion',
  'kind',
  'change',
  'recordId',
  'version',
  'divisionCode',
  'occurredAt',
];
/** Plus the pseudonymous person key, for kinds that have a subject person. */
const ENVELOPE_WITH_PERSON: readonly DetailPath[] = [...ENVELOPE, 'personKey'];
/** Public security enforces the duty to report (谁出租谁负责), so it also learns who reported. */
const ENVELOPE_WITH_REPORTER: readonly DetailPath[] = [
  ...ENVELOPE_WITH_PERSON,
  'submittedBy.role',
  'submittedBy.submitterId',
];

const record = (...paths: string[]): DetailPath[] => paths.map((path) => `record.${path}` as const);

type Projection = { [K in EventKind]?: readonly DetailPath[] };

interface DepartmentDefinition {
  description: string;
  fields: Projection;
  reasons?: { [K in EventKind]?: string };
}

/** A card link without the permit's number: which card of which holder, issued where, linked when. */
const CARD_LINK: readonly DetailPath[] = record(
  'holder.idNumber',
  'holder.name',
  'cardType',
  'cardNumber',
  'divisionCode',
  'linkedOn',
  'unlinkedOn',
);

/**
 * What a service that is granted by residence permit (凭证服务) needs to know of a permit: whether it is in
 * force (status, how long its endorsement lasts) and in which city (the issuing bureau's county), linked to the
 * person by personKey; never the holder's identity or the permit's number.
 */
const PERMIT_VALIDITY: readonly DetailPath[] = [
  ...ENVELOPE_WITH_PERSON,
  ...record('issuingDivisionCode', 'issuedOn', 'endorsedUntil', 'status'),
];

const DEPARTMENT_DEFINITIONS: { readonly [D in Department]: DepartmentDefinition } = {
  'public-security': {
    description:
      'Public security: residence registration and permits, departures, rental housing and tenants (以房管人), ' +
      'business operators; identifies people, so it receives the clear ID number.',
    fields: {
      'residence-registration': [
        ...ENVELOPE_WITH_REPORTER,
        ...record(
          'person.idNumber',
          'person.name',
          'person.gender',
          'person.birthDate',
          'person.ethnicity',
          'person.phone',
          'person.hukouDivisionCode',
          'address.divisionCode',
          'address.detail',
          'residenceType',
          'reason',
          'movedInOn',
          'movedOutOn',
        ),
      ],
      'residence-departure': [
        ...ENVELOPE_WITH_REPORTER,
        ...record(
          'person.idNumber',
          'person.name',
          'person.phone',
          'divisionCode',
          'movedOutOn',
          'destinationDivisionCode',
        ),
      ],
      'rental-property': [
        ...ENVELOPE,
        'submittedBy.role',
        'submittedBy.submitterId',
        ...record(
          'owner.name',
          'owner.idNumber',
          'owner.creditCode',
          'owner.phone',
          'address.divisionCode',
          'address.detail',
          'rooms',
          'certificateNo',
        ),
      ],
      tenancy: [
        ...ENVELOPE_WITH_REPORTER,
        ...record(
          'tenant.idNumber',
          'tenant.name',
          'tenant.phone',
          'landlord.name',
          'landlord.idNumber',
          'landlord.creditCode',
          'landlord.phone',
          'property.divisionCode',
          'property.detail',
          'startsOn',
          'endsOn',
          'endedOn',
        ),
      ],
      'business-license': [
        ...ENVELOPE_WITH_REPORTER,
        ...record(
          'creditCode',
          'name',
          'operator.idNumber',
          'operator.name',
          'operator.phone',
          'address.divisionCode',
          'address.detail',
          'registeredOn',
          'revokedOn',
        ),
      ],
      'permit-application': [
        ...ENVELOPE_WITH_REPORTER,
        ...record(
          'applicant.idNumber',
          'applicant.name',
          'applicant.phone',
          'cityDivisionCode',
          'address.divisionCode',
          'address.detail',
          'claims',
          'channel',
          'submittedOn',
        ),
      ],
      'residence-permit': [
        ...ENVELOPE_WITH_REPORTER,
        ...record(
          'permitNumber',
          'holder.idNumber',
          'holder.name',
          'holder.phone',
          'issuingDivisionCode',
          'applicationId',
          'issuedOn',
          'endorsedUntil',
          'status',
          'endorsements',
        ),
      ],
      'card-link': [...ENVELOPE_WITH_REPORTER, ...record('permitNumber'), ...CARD_LINK],
    },
    reasons: {
      'permit-application':
        'It decides every application and issues the permit within the deadline (居住证暂行条例).',
      'residence-permit':
        'It issues, endorses, suspends and revokes permits; its exit-entry, ID-card and vehicle and ' +
        'driving-licence bureaus serve by permit.',
      'card-link':
        'The permit is its IC card: it must know which citizen or social security card is linked to it.',
    },
  },
  housing: {
    description:
      'Housing and urban-rural development: rental housing and lease filing (租赁备案); the parties of a lease, ' +
      'never ethnicity or employment.',
    fields: {
      'rental-property': [
        ...ENVELOPE,
        ...record(
          'owner.name',
          'owner.idNumber',
          'owner.creditCode',
          'owner.phone',
          'address.divisionCode',
          'address.detail',
          'areaSqm',
          'rooms',
          'certificateNo',
        ),
      ],
      tenancy: [
        ...ENVELOPE_WITH_PERSON,
        ...record(
          'tenant.idNumber',
          'tenant.name',
          'tenant.phone',
          'landlord.name',
          'landlord.idNumber',
          'landlord.creditCode',
          'landlord.phone',
          'property.divisionCode',
          'property.detail',
          'startsOn',
          'endsOn',
          'endedOn',
          'monthlyRentYuan',
        ),
      ],
    },
  },
  hrss: {
    description:
      'Human resources and social security: labour contracts, social insurance, business operators, and where ' +
      'a worker lives (county and dates only, linked by personKey), never ethnicity.',
    fields: {
      employment: [
        ...ENVELOPE_WITH_PERSON,
        ...record(
          'person.idNumber',
          'person.name',
          'person.phone',
          'employer.creditCode',
          'employer.name',
          'employer.divisionCode',
          'contractType',
          'startsOn',
          'endsOn',
          'endedOn',
          'occupation',
        ),
      ],
      'social-insurance': [
        ...ENVELOPE_WITH_PERSON,
        ...record(
          'person.idNumber',
          'person.name',
          'insuranceType',
          'divisionCode',
          'employer.creditCode',
          'employer.name',
          'startedOn',
          'stoppedOn',
        ),
      ],
      'business-license': [
        ...ENVELOPE_WITH_PERSON,
        ...record(
          'creditCode',
          'name',
          'operator.idNumber',
          'operator.name',
          'address.divisionCode',
          'registeredOn',
          'revokedOn',
        ),
      ],
      'residence-registration': [
        ...ENVELOPE_WITH_PERSON,
        ...record('address.divisionCode', 'movedInOn', 'movedOutOn'),
      ],
      'residence-permit': [...PERMIT_VALIDITY, ...record('holder.idNumber', 'holder.name')],
      'card-link': [...ENVELOPE_WITH_PERSON, ...CARD_LINK],
    },
    reasons: {
      'residence-permit':
        'Vocational qualification exams and qualifications are open to permit holders; candidates register ' +
        'by ID number, so it receives the holder and the validity, not the permit number.',
      'card-link':
        'It issues the social security card (and, in Zhejiang, the citizen card) and keeps the link on its ' +
        'own card; the permit number stays with public security.',
    },
  },
  education: {
    description:
      'Education: enrolment of migrant children (compulsory education by residence permit) and where families ' +
      'live (address, residence type, move-in date only, linked by personKey).',
    fields: {
      schooling: [
        ...ENVELOPE_WITH_PERSON,
        ...record(
          'student.idNumber',
          'student.name',
          'student.gender',
          'student.birthDate',
          'school.name',
          'school.creditCode',
          'school.divisionCode',
          'stage',
          'grade',
          'enrolledOn',
          'leftOn',
        ),
      ],
      'residence-registration': [
        ...ENVELOPE_WITH_PERSON,
        ...record('address.divisionCode', 'address.detail', 'residenceType', 'movedInOn'),
      ],
    },
  },
  health: {
    description:
      'Health: basic public health services for registered residents (contact and address), and departures; ' +
      'no ID number, never employer details.',
    fields: {
      'residence-registration': [
        ...ENVELOPE_WITH_PERSON,
        ...record(
          'person.name',
          'person.gender',
          'person.birthDate',
          'person.phone',
          'address.divisionCode',
          'address.detail',
        ),
      ],
      'residence-departure': [
        ...ENVELOPE_WITH_PERSON,
        ...record('person.name', 'divisionCode', 'movedOutOn', 'destinationDivisionCode'),
      ],
      'residence-permit': PERMIT_VALIDITY,
    },
    reasons: {
      'residence-permit':
        'Birth-service registration (生育服务登记) is granted by permit: validity and city, linked by personKey ' +
        'to the residents it already serves.',
    },
  },
  justice: {
    description:
      'Justice: legal aid (法律援助) for permit holders. Whether a person holds a permit in force, and in which ' +
      'city; nothing else. A legal-aid office checks a person in front of it with POST /v1/permits/verify.',
    fields: { 'residence-permit': PERMIT_VALIDITY },
    reasons: { 'residence-permit': 'Legal aid is granted by a permit in force in the city.' },
  },
  'culture-sports': {
    description:
      'Culture and sports: public cultural and sports services for permit holders. Whether a person holds a ' +
      'permit in force, and in which city; nothing else.',
    fields: { 'residence-permit': PERMIT_VALIDITY },
    reasons: {
      'residence-permit': 'Culture and sports services are granted by a permit in force in the city.',
    },
  },
};

/** The kinds a projection covers, in catalogue order of the projection. */
function kindsOf(fields: Projection): EventKind[] {
  return Object.keys(fields) as EventKind[];
}

const DIVISION_PREFIX = /^\d{2}(?:\d{2}){0,2}$/;

function checkFilter(filter: SubscriptionFilter, name: string): SubscriptionFilter {
  const prefixes = filter.divisionCodePrefix;
  if (prefixes === undefined) return {};
  if (prefixes.length === 0) throw new Error(`subscription ${name}: divisionCodePrefix must not be empty`);
  for (const prefix of prefixes) {
    if (!DIVISION_PREFIX.test(prefix)) {
      throw new Error(`subscription ${name}: division prefix "${prefix}" must be 2, 4 or 6 digits`);
    }
  }
  return { divisionCodePrefix: [...prefixes] };
}

export interface SubscriptionOptions {
  /** The subscriber's id (default: the department). */
  subscriber?: string;
  /** A different rule-name stem (several subscriptions of one department need distinct names). */
  name?: string;
  filter?: SubscriptionFilter;
}

/** One department's subscription, all changes of every kind it projects, optionally filtered. */
export function subscriptionFor(department: Department, options: SubscriptionOptions = {}): Subscription {
  const definition = DEPARTMENT_DEFINITIONS[department];
  const name = options.name ?? department;
  const filter = options.filter === undefined ? undefined : checkFilter(options.filter, name);
  return {
    department,
    subscriber: options.subscriber ?? department,
    name,
    description: definition.description,
    eventTypes: kindsOf(definition.fields).flatMap((kind) => detailTypesOfKind(kind)),
    ...(filter?.divisionCodePrefix === undefined ? {} : { filter }),
    fields: definition.fields,
    reasons: definition.reasons ?? {},
  };
}

export interface CatalogueOptions {
  /** The departments present in this environment (default: all of them). */
  departments?: readonly Department[];
  /** A content filter per department, e.g. a city deployment: `{ housing: { divisionCodePrefix: ['3301'] } }`. */
  filters?: { readonly [D in Department]?: SubscriptionFilter };
}

/** The catalogue for one environment: infra passes its departments and filters from its typed config. */
export function buildSubscriptions(options: CatalogueOptions = {}): Subscription[] {
  const departments = options.departments ?? DEPARTMENTS;
  return departments.map((department) => {
    const filter = options.filters?.[department];
    return subscriptionFor(department, filter === undefined ? {} : { filter });
  });
}

/** The default catalogue: every department, province-wide. */
export const SUBSCRIPTIONS: readonly Subscription[] = buildSubscriptions();

/**
 * A department office restricted to one area, named after the area (e.g. `housing-3301` for the
 * Hangzhou city housing office, subscriber `housing@3301`): a city or county bureau with its own system.
 */
function areaOfficeSubscription(department: Department, divisionCodePrefix: readonly string[]): Subscription {
  return subscriptionFor(department, {
    subscriber: `${department}@${divisionCodePrefix.join('+')}`,
    name: `${department}-${divisionCodePrefix.join('-')}`,
    filter: { divisionCodePrefix },
  });
}

/**
 * Every `record.*` path some department receives, per kind. The publisher writes each of them into the event
 * (`null` where the record has no value; projectedRecord), so every input-transformer placeholder finds its
 * path: EventBridge writes a missing path's unquoted placeholder as `""` and a `null` value as `null`, and a
 * department must be able to tell "no value" from an empty one.
 */
export const PROJECTED_RECORD_PATHS: { readonly [K in EventKind]?: readonly string[] } = recordPathsByKind();

function recordPathsByKind(): { [K in EventKind]?: string[] } {
  const byKind: { [K in EventKind]?: Set<string> } = {};
  for (const { fields } of Object.values(DEPARTMENT_DEFINITIONS)) {
    for (const [kind, paths] of Object.entries(fields) as [EventKind, readonly DetailPath[]][]) {
      const set = byKind[kind] ?? new Set();
      for (const path of paths) if (path.startsWith('record.')) set.add(path.slice('record.'.length));
      byKind[kind] = set;
    }
  }
  return Object.fromEntries(Object.entries(byKind).map(([kind, set]) => [kind, [...set].sort()]));
}

type JsonObject = { [key: string]: unknown };
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The record with every projected path of its kind present: `null` where it has no value (a copy). */
export function projectedRecord(kind: EventKind, record: JsonObject): JsonObject {
  const copy = structuredClone(record);
  for (const path of PROJECTED_RECORD_PATHS[kind] ?? []) {
    const segments = path.split('.');
    let node: JsonObject = copy;
    for (const [index, segment] of segments.entries()) {
      if (index === segments.length - 1) {
        if (node[segment] === undefined) node[segment] = null;
        break;
      }
      if (node[segment] === undefined) node[segment] = {};
      const next = node[segment];
      if (!isObject(next)) break;
      node = next;
    }
  }
  return copy;
}

const SUBSCRIBER_ID = /^([a-z-]+)(?:@(\d+(?:\+\d+)*))?$/;

export class SubscriberIdError extends Error {
  override name = 'SubscriberIdError';
}

/**
 * The subscription of a subscriber id: `public-security` (the department, province-wide) or
 * `public-security@3301` (its office for a division prefix of 2, 4 or 6 digits; `+` joins several).
 * What the office sees is its department's projection: subscribers are configuration, the catalogue decides.
 */
export function subscriberSubscription(subscriber: string): Subscription {
  const match = SUBSCRIBER_ID.exec(subscriber);
  const department = match?.[1];
  if (match === null || !(DEPARTMENTS as readonly string[]).includes(department ?? '')) {
    throw new SubscriberIdError(
      `subscriber "${subscriber}" must be a department (${DEPARTMENTS.join(', ')}), optionally @<division prefix>`,
    );
  }
  const prefixes = match[2]?.split('+');
  if (prefixes === undefined) return subscriptionFor(department as Department);
  try {
    return areaOfficeSubscription(department as Department, prefixes);
  } catch (error) {
    throw new SubscriberIdError((error as Error).message);
  }
}

/**
 * The subscriptions of an environment: the five departments province-wide (as `buildSubscriptions` makes
 * them) plus the configured offices, each exactly once.
 */
export function withSubscribers(
  departments: readonly Subscription[],
  subscribers: readonly string[],
): Subscription[] {
  const all = [...departments, ...subscribers.map(subscriberSubscription)];
  const seen = new Set<string>();
  for (const { subscriber, name } of all) {
    if (seen.has(subscriber) || seen.has(name)) throw new SubscriberIdError(`subscriber ${subscriber} twice`);
    seen.add(subscriber);
    seen.add(name);
  }
  return all;
}
