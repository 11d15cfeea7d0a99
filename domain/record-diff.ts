type Json = unknown;

const isPlainObject = (value: Json): value is Record<string, Json> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Leaf paths whose values differ between two versions of a canonical record ("what changed"). */
export function changedPaths(before: Json, after: Json, prefix = ''): string[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys]
      .sort()
      .flatMap((key) => changedPaths(before[key], after[key], prefix ? `${prefix}.${key}` : key));
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [prefix];
}

/**
 * The incoming report laid over the stored record: fields the new submitter did not report (a landlord
 * rarely knows a tenant's ethnicity) keep their stored values instead of being erased.
 */
export function overlay(stored: Json, incoming: Json): Json {
  if (!isPlainObject(stored) || !isPlainObject(incoming)) return incoming;
  const merged: Record<string, Json> = { ...stored };
  for (const [key, value] of Object.entries(incoming)) merged[key] = overlay(stored[key], value);
  return merged;
}
