import type {
  AuditTrailResponse,
  DivisionStatsResponse,
  PersonLookupResponse,
  POINTS_INDICATORS,
} from '#api/query-api.ts';
import type { ProjectedPoints } from '#domain/department-view.ts';
import type { EligibilityConditions } from '#domain/eligibility.ts';
import type { PointsIndicator } from '#domain/points-config.ts';
import type { PersonProfile, ProfileList } from '#domain/profile.ts';
import type { ResidenceType } from '#schemas/values/enums.ts';
import type { AuditEntry } from '../adapters/audit-store.ts';
import type { auditTrail } from './audit.ts';
import type { lookupPerson } from './lookup.ts';
import type { divisionStats } from './stats.ts';

/*
 * The query handlers' answers are typed by domain/ and functions/adapters/ (projections, counters, store
 * items); the documented answers are the schemas of api/query-api.ts (docs/openapi.json). Here, at
 * compile time, each answer must name exactly the fields of its schema, and take its schema's types where
 * the handler's types are precise enough to say so. Values (enums, patterns, dates) are checked at run time
 * by test/unit/docs/openapi.test.ts, which validates what the same code builds against the document.
 */

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assignable<A, B> = [A] extends [B] ? true : false;
/** Every member must be `true`; a `false` one names the part of an answer that left its schema. */
type Check<T extends Record<string, true>> = T;

type Lookup = Awaited<ReturnType<typeof lookupPerson>>;
type Stats = Awaited<ReturnType<typeof divisionStats>>;
type Audit = Awaited<ReturnType<typeof auditTrail>>;

type Profile = PersonLookupResponse['profile'];
type Conditions = PersonLookupResponse['eligibility']['conditions'];
type PointsLine = NonNullable<PersonLookupResponse['points']>['breakdown'][number];

export type QueryResponseContract = Check<{
  lookup: Same<keyof PersonLookupResponse, keyof Lookup>;
  lookupPerson: Same<keyof Profile['person'], keyof PersonProfile['person'] | 'idNumber'>;
  lookupLists: Same<Exclude<keyof Profile, 'person'>, ProfileList>;
  lookupListFields: Same<
    { [L in ProfileList]: keyof NonNullable<Profile[L]>[number] },
    { [L in ProfileList]: keyof PersonProfile[L][number] }
  >;
  eligibility: Same<keyof PersonLookupResponse['eligibility'], keyof Lookup['eligibility']>;
  eligibilityValues: Assignable<
    Omit<Lookup['eligibility'], 'conditions'>,
    Omit<PersonLookupResponse['eligibility'], 'conditions'>
  >;
  conditions: Same<
    { [C in keyof Conditions]: keyof Conditions[C] },
    { [C in keyof EligibilityConditions]: keyof EligibilityConditions[C] }
  >;
  points: Assignable<Lookup['points'], PersonLookupResponse['points']>;
  pointsFields: Same<keyof NonNullable<PersonLookupResponse['points']>, keyof ProjectedPoints>;
  pointsLineFields: Same<keyof PointsLine, keyof ProjectedPoints['breakdown'][number]>;
  pointsIndicators: Same<(typeof POINTS_INDICATORS)[number], PointsIndicator>;
  stats: Same<keyof DivisionStatsResponse, keyof Stats>;
  statsValues: Assignable<Omit<Stats, 'byResidenceType'>, Omit<DivisionStatsResponse, 'byResidenceType'>>;
  statsResidenceTypes: Same<keyof DivisionStatsResponse['byResidenceType'], ResidenceType>;
  audit: Same<keyof AuditTrailResponse, keyof Audit>;
  auditValues: Assignable<Omit<Audit, 'entries'>, Omit<AuditTrailResponse, 'entries'>>;
  auditEntry: Same<keyof AuditTrailResponse['entries'][number], keyof AuditEntry>;
  auditEntryValues: Assignable<
    Omit<AuditEntry, 'department'>,
    Omit<AuditTrailResponse['entries'][number], 'department'>
  >;
}>;
