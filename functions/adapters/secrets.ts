import { getParameter } from '@aws-lambda-powertools/parameters/ssm';

/**
 * The HMAC key for personKey: an SSM SecureString in AWS (PERSON_KEY_SECRET_PARAMETER), or the value itself
 * in PERSON_KEY_SECRET for the local hub and tests.
 */
export async function loadPersonKeySecret(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.PERSON_KEY_SECRET) return env.PERSON_KEY_SECRET;
  const name = env.PERSON_KEY_SECRET_PARAMETER;
  if (!name) throw new Error('Set PERSON_KEY_SECRET_PARAMETER (AWS) or PERSON_KEY_SECRET (local)');
  const secret = await getParameter(name, { decrypt: true, maxAge: 3600 });
  if (!secret) throw new Error(`SSM parameter ${name} is empty`);
  return secret;
}
