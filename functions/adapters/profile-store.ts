import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EligibilityResult } from '#domain/eligibility.ts';
import type { PermitPhase } from '#domain/permit.ts';
import type { PointsScore } from '#domain/points.ts';
import { buildPersonProfile, type PersonProfile } from '#domain/profile.ts';
import type { DerivedEventEntry } from '#events/derived.ts';
import { batchGetAll, documentClient, putIfVersion } from './document-client.ts';

/*
 * Derived views in the shared table (README "The shared store"):
 * - profile item     pk PERSON#<personKey>  sk PROFILE
 *     version, profileHash, profile, eligibility (as of its `asOf`), permitPhases, points, reviewOn, outbox,
 *     timestamps; while time alone can still change the eligibility or a permit's phase:
 *     gsi1pk ELIGIBILITY-DUE#<reviewOn>, gsi1sk <personKey>
 * - evaluation mark  pk DERIVE#ELIGIBILITY  sk LAST-RUN   evaluatedThrough: the last day the daily run covered
 * The profile item's pk never collides with a record's (REC#…); a record's gsi1pk is PERSON#<personKey>, the
 * profile's gsi1pk (when set) is the due date, so the person index and the due index share gsi1.
 */

export const PROFILE_SK = 'PROFILE';
export const profilePk = (personKey: string): string => `PERSON#${personKey}`;
export const dueGsiPk = (date: string): string => `ELIGIBILITY-DUE#${date}`;
const RUN_KEY = { pk: 'DERIVE#ELIGIBILITY', sk: 'LAST-RUN' } as const;

export interface ProfileItem {
  pk: string;
  sk: typeof PROFILE_SK;
  personKey: string;
  /** Increases with every write of the item (each write is one change on the stream). */
  version: number;
  profileHash: string;
  profile: PersonProfile;
  /** The outcome on `eligibility.asOf` (the day of the last derivation or daily evaluation). */
  eligibility: EligibilityResult;
  /** Each permit's phase on the same day, by recordId (absent without permits): a change is an event. */
  permitPhases?: Record<string, PermitPhase>;
  /** The score on the same day; absent when no points table covers the person's city. */
  points?: PointsScore;
  /** The next day on which time alone changes the eligibility or a permit's phase (absent: no such day). */
  reviewOn?: string;
  gsi1pk?: string;
  gsi1sk?: string;
  /**
   * The derived events of this version, written with it: functions/publish puts them on the bus from the
   * table's stream (a transactional outbox), so a crash after the write loses none.
   */
  outbox?: DerivedEventEntry[];
  createdAt: string;
  updatedAt: string;
}

/** Another writer changed the profile since it was read: re-read and decide again. */
export class ProfileConflictError extends Error {
  constructor(personKey: string, options?: ErrorOptions) {
    super(`the profile of ${personKey} changed since it was read`, options);
    this.name = 'ProfileConflictError';
  }
}

/** A profile written before a list was added to the view (the permit's lists) reads with that list empty. */
const withEveryList = (item: ProfileItem): ProfileItem => ({
  ...item,
  profile: { ...buildPersonProfile(item.personKey, []), ...item.profile },
});

export class ProfileStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBClient, tableName: string) {
    this.#doc = documentClient(client);
    this.#table = tableName;
  }

  async get(personKey: string): Promise<ProfileItem | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({
        TableName: this.#table,
        Key: { pk: profilePk(personKey), sk: PROFILE_SK },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : withEveryList(Item as ProfileItem);
  }

  /** Many people's profiles at once (people without one are absent from the map). */
  async getMany(personKeys: readonly string[]): Promise<Map<string, ProfileItem>> {
    const keys = [...new Set(personKeys)].map((personKey) => ({ pk: profilePk(personKey), sk: PROFILE_SK }));
    const items = (await batchGetAll(this.#doc, this.#table, keys)) as unknown as ProfileItem[];
    return new Map(items.map((item) => [item.personKey, withEveryList(item)]));
  }

  /** Writes the item only if the stored version is still `expectedVersion` (0: no item yet). */
  async put(item: ProfileItem, expectedVersion: number): Promise<void> {
    if (!(await putIfVersion(this.#doc, this.#table, { ...item }, expectedVersion))) {
      throw new ProfileConflictError(item.personKey);
    }
  }

  /**
   * The personKeys indexed as due on `date`: each entry's gsi1sk (the index holds keys only, and is eventually
   * consistent: re-read each item).
   */
  async dueOn(date: string): Promise<string[]> {
    const keys: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await this.#doc.send(
        new QueryCommand({
          TableName: this.#table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': dueGsiPk(date) },
          ProjectionExpression: 'gsi1sk',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of out.Items ?? []) keys.push(String(item.gsi1sk));
      startKey = out.LastEvaluatedKey;
    } while (startKey);
    return keys;
  }

  /** The last day the daily evaluation covered, if it ever ran. */
  async evaluatedThrough(): Promise<string | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({ TableName: this.#table, Key: RUN_KEY, ConsistentRead: true }),
    );
    return typeof Item?.evaluatedThrough === 'string' ? Item.evaluatedThrough : undefined;
  }

  /** Moves the mark forward to `date` (never back: a concurrent or older run leaves a later mark alone). */
  async markEvaluatedThrough(date: string, at: string): Promise<void> {
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: RUN_KEY,
          UpdateExpression: 'SET evaluatedThrough = :date, updatedAt = :at',
          ConditionExpression: 'attribute_not_exists(evaluatedThrough) OR evaluatedThrough < :date',
          ExpressionAttributeValues: { ':date': date, ':at': at },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
