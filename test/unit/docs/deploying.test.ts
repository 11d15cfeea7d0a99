import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { STAGES } from '../../../infra/config.ts';
import { stackNameFor } from '../../../infra/hub-app.ts';

// The runbook's commands match the code: every npm script it runs exists, every stage it names is a stage of
// infra/config.ts, and the names it types by hand (stack, parameter, roles) are the prod stage's.

const ROOT = new URL('../../../', import.meta.url);
const runbook = readFileSync(new URL('docs/deploying.md', ROOT), 'utf8');
const { scripts } = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as {
  scripts: Record<string, string>;
};
const prod = STAGES.prod;

describe('docs/deploying.md', () => {
  it('runs only npm scripts that exist', () => {
    const used = [...runbook.matchAll(/npm run (?:-s )?([\w:-]+)/g)].map((m) => m[1] as string);
    expect(used.length).toBeGreaterThan(3);
    expect(used.filter((script) => !(script in scripts))).toEqual([]);
  });

  it('names only stages that exist, and deploys prod to its region', () => {
    const stages = [...runbook.matchAll(/stage=([\w-]+)/g)].map((m) => m[1] as string);
    expect(stages.length).toBeGreaterThan(3);
    expect(stages.filter((stage) => !(stage in STAGES))).toEqual([]);
    expect(runbook).toContain(`aws://$ACCOUNT/${prod.region}`);
  });

  it("types the prod stage's own names: stack, personKey parameter, consumer roles", () => {
    expect(runbook).toContain(`--stack-name ${stackNameFor(prod.stage)}`);
    expect(runbook).toContain(`--name ${prod.personKeySecretParameter} `);
    const loop =
      /for department in ([\w -]+); do\n\s+aws iam create-role --role-name (\S+)\$department(\S+)/.exec(
        runbook,
      );
    const roles = (loop?.[1] ?? '').split(' ').map((department) => `${loop?.[2]}${department}${loop?.[3]}`);
    expect(roles.sort()).toEqual(
      Object.values(prod.departments)
        .map((d) => d.consumer.roleName)
        .sort(),
    );
  });
});
