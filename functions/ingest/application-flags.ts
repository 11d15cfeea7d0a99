import type { RecordFlag } from '#api/http-api.ts';
import { type EligibilityConfig, evaluateEligibility } from '#domain/eligibility.ts';
import { applicationFlags } from '#domain/permit.ts';
import { buildPersonProfile } from '#domain/profile.ts';
import type { ProfileStore } from '../adapters/profile-store.ts';

/** What ingest needs to flag applications: the person profiles and the eligibility rules. */
export interface ApplicationFlagDeps {
  profiles: Pick<ProfileStore, 'getMany'>;
  config: EligibilityConfig;
}

/** An accepted permit application of a submission. */
export interface AcceptedApplication {
  personKey: string;
  submittedOn: string;
}

/**
 * The flags of each application, in order: ELIGIBLE_FROM or ELIGIBILITY_NOT_MET when the eligibility rules do
 * not (yet) support the applicant on the day of the application (domain/permit.ts applicationFlags), else none.
 * The rules read the applicant's stored profile, which the derive function keeps from the change events: a
 * record sent in the same submission as the application is not in it yet. Someone with no profile has met
 * nothing. The applicants' profiles are read in batches, not one request each.
 */
export async function flagApplications(
  applications: readonly AcceptedApplication[],
  deps: ApplicationFlagDeps,
): Promise<RecordFlag[][]> {
  const items = await deps.profiles.getMany(applications.map((application) => application.personKey));
  return applications.map((application) => {
    const profile =
      items.get(application.personKey)?.profile ?? buildPersonProfile(application.personKey, []);
    return applicationFlags(evaluateEligibility(profile, application.submittedOn, deps.config));
  });
}
