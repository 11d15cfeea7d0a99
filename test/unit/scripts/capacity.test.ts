import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SUBSCRIPTIONS } from '#events/index.ts';
import { STAGES } from '../../../infra/config.ts';
import { capacityPlan } from '../../../scripts/capacity/plan.ts';

// `npm run capacity`: the README's plan is the script's output, the command behaves as a command, and the
// plan reads its fan-out from the subscription catalogue.

const run = promisify(execFile);

async function capacity(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['scripts/capacity/main.ts', ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run capacity', () => {
  it('prints the plan the README holds for --stage prod', async () => {
    // Prepare
    const readme = await readFile('README.md', 'utf8');
    const section =
      /<!-- capacity-plan: npm run -s capacity -- --stage prod -->\n([\s\S]*?)<!-- \/capacity-plan -->/.exec(
        readme,
      );

    // Act
    const { code, stdout } = await capacity('--stage', 'prod');

    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('**Sustained: ');
    expect(section?.[1]).toBe(stdout);
  });

  it('answers --help with its usage', async () => {
    const { code, stdout } = await capacity('--help');

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run -s capacity -- \[options\]/);
    expect(stdout).toContain('--stage <name>');
  });

  it.each([
    [['--stages', 'prod'], "error: unknown option '--stages'"],
    [['--stage', 'qa'], "argument 'qa' is invalid. Allowed choices are dev, prod."],
    [['--per-request', '501'], "argument '501' is invalid. Must be a positive whole number up to 500."],
    [['--records=0'], "argument '0' is invalid. Must be a positive number."],
    [['--hours', 'soon'], "argument 'soon' is invalid. Must be a positive number."],
  ])('refuses %j with one line and its usage, exit 2', async (args, message) => {
    const { code, stdout, stderr } = await capacity(...args);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toContain(message);
    expect(stderr).toContain('Usage: npm run -s capacity');
    expect(stderr).not.toMatch(/^\s+at /m);
  });
});

describe('capacity plan', () => {
  const plan = (subscriptions = SUBSCRIPTIONS) =>
    capacityPlan({
      stage: STAGES.prod,
      kind: 'residence-registration',
      recordsPerRequest: 500,
      targetRecords: 22_000_000,
      targetHours: 1,
      subscriptions,
    });

  it('counts one target invocation per subscribing department, plus the derive rule', () => {
    const all = plan();
    const healthOnly = plan(SUBSCRIPTIONS.filter((subscription) => subscription.department === 'health'));

    const invocations = (p: ReturnType<typeof plan>) =>
      p.limits.find((limit) => limit.name === 'EventBridge target invocations')?.perRecord;
    expect(healthOnly.queues).toEqual(['health']);
    expect(invocations(healthOnly)).toBe(2);
    expect(invocations(all)).toBe(all.queues.length + 1);
    expect(all.queues.length).toBeGreaterThan(1);
  });

  it('binds at the lowest limit and takes the China regions at EventBridge’s "other regions" default', () => {
    const prod = plan();

    const lowest = Math.min(...prod.limits.map((limit) => limit.recordsPerSecond));
    expect(prod.binding.recordsPerSecond).toBe(lowest);
    expect(prod.limits.find((limit) => limit.name === 'EventBridge PutEvents')?.note).toContain(
      'each other supported Region',
    );
    expect(prod.targetPerSecond).toBeCloseTo(22_000_000 / 3600);
  });
});
