import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { subscriberSubscription } from '#events/index.ts';

/**
 * The local hub's own configuration file (`hub.local.json`, or `npm start -- --config FILE`): what a stage
 * config says for a deployment and the local hub needs too. Today: the city and county subscribers.
 */
const hubConfig = z.strictObject({
  subscribers: z
    .array(
      z.string().refine(
        (id) => {
          try {
            subscriberSubscription(id);
            return true;
          } catch {
            return false;
          }
        },
        { message: 'must be <department>@<division prefix>, e.g. public-security@3301' },
      ),
    )
    .default([]),
});

export type HubConfig = z.output<typeof hubConfig>;

export const DEFAULT_CONFIG_FILE = 'hub.local.json';

/** Reads and checks the file; a missing default file is an empty configuration, a missing named one an error. */
export async function readHubConfig(file: string, required: boolean): Promise<HubConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!required && (error as NodeJS.ErrnoException).code === 'ENOENT') return hubConfig.parse({});
    throw new Error(`cannot read the hub config ${file}: ${(error as Error).message}`);
  }
  const parsed = hubConfig.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`hub config ${file}: ${problems.join('; ')}`);
  }
  return parsed.data;
}
