import { z } from 'zod';
import { valueIssue } from '../../errors.ts';
import { type AliasConflict, type AliasTable, compileAliases } from './aliases.ts';
import { applyRules, type CrossFieldRule, EVEN_AFTER_FIELD_ERRORS } from './rules.ts';

/** What the store and the event router need to know about a canonical record (see contracts.md). */
export interface RecordFacts {
  /** The kind's natural key parts; a person appears ONLY via personIdNumber, never here. */
  naturalKey: string[];
  /** The normalised 18-character ID number of the record's subject person, if it has one. */
  personIdNumber?: string;
  /** The 6-digit division the record belongs to (for routing filters). */
  divisionCode: string;
  /** The record's end date, when set (moved out, ended, left, stopped, revoked). */
  endedOn?: string;
}

export interface KindOptions<K extends string, Fields extends z.ZodObject> {
  kind: K;
  /** Labels accepted besides the canonical field names; see AliasTable. */
  aliases: AliasTable;
  /** The canonical fields, as a strict object (unknown fields: FIELD_UNKNOWN). */
  fields: Fields;
  /** Rules across fields (date order); each runs when the fields it reads are valid. */
  rules?: readonly CrossFieldRule<z.output<Fields>>[];
  facts: (record: z.output<Fields>) => RecordFacts;
}

function conflictIssue(conflict: AliasConflict) {
  return valueIssue(
    'ONE_OF_REQUIRED',
    { received: `${conflict.keys.join(' and ')} both given`, accepted: 'the field under one name only' },
    conflict.path,
  );
}

/**
 * One record kind: its input schema (alias renaming, then the strict fields, then the rules) and its facts.
 * Schemas are built once, at module load.
 */
export function defineKind<const K extends string, Fields extends z.ZodObject>(
  options: KindOptions<K, Fields>,
) {
  const rename = compileAliases(options.aliases);
  const rules = applyRules(options.rules ?? []);
  // The renamer's conflicts, handed to the refinement of the same (synchronous) parse. A preprocess issue
  // would stop the pipe and hide every other error of the record; the refinement runs after all fields.
  let conflicts: AliasConflict[] = [];
  const checked = options.fields.superRefine((value, ctx) => {
    for (const conflict of conflicts) ctx.addIssue(conflictIssue(conflict));
    conflicts = [];
    rules(value, ctx);
  }, EVEN_AFTER_FIELD_ERRORS);
  const schema = z.preprocess((input) => {
    const renamed = rename(input);
    conflicts = renamed.conflicts;
    return renamed.value;
  }, checked);
  return {
    kind: options.kind,
    schema,
    fields: options.fields,
    aliases: options.aliases,
    /** Every accepted label -> canonical path ('person.姓名' is 姓名 inside the person object). */
    labels: rename.labels,
    facts: options.facts,
  };
}

/** `{ endedOn }` when the record has an end date, `{}` otherwise (no undefined keys). */
export const endedOnFact = (endedOn: string | undefined): { endedOn?: string } =>
  endedOn === undefined ? {} : { endedOn };
