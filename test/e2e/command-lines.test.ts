import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Every program behind an npm script (`node <file>.ts`, found in package.json, so a command added later is
// covered) and every subcommand its --help lists: --help answers 0 with the usage; an unknown flag and a bad
// value answer 2 with one `error:` line and the usage on stderr, and never a stack trace.

const root = join(import.meta.dirname, '../..');
const { scripts } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
};
const PROGRAMS = Object.entries(scripts).flatMap(([script, line]) => {
  const file = /^node (\S+\.ts)$/.exec(line)?.[1];
  return file === undefined ? [] : [{ script, file }];
});

/** A value each program must refuse before it does anything (no hub needs to run). */
const BAD_VALUES: Record<string, string[]> = {
  start: ['--port', '99999'],
  token: ['--submitter', 'landlord-1', '--role', 'mayor'],
  evaluate: ['--as-of', '2026-02-30'],
  demo: ['stray-argument'],
  docs: ['stray-argument'],
  bench: ['many'],
  consumer: ['--department', 'health', '--wait-seconds', '30'],
  capacity: ['--stage', 'qa'],
  hub: ['tail', 'health', '--max', 'x'],
};

const stateDir = await mkdtemp(join(tmpdir(), 'command-lines-'));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file, ...args],
      // Never the developer's hub: its state dir is a fresh one, its port a free one.
      { cwd: root, env: { ...process.env, HUB_STATE_DIR: stateDir, HUB_PORT: '0' }, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

function expectRefused(result: Run, firstLine: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  const lines = result.stderr.split('\n');
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(firstLine);
  expect(result.stderr).toContain('Usage:');
  expect(result.stderr).not.toMatch(STACK_FRAME);
  expect(result.stdout).toBe('');
}

/** Subcommand names of a commander help text's "Commands:" section (none for a plain program). */
function subcommandsOf(help: string): string[] {
  const section = help.split(/^Commands:$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)]
    .map((match) => match[1] as string)
    .filter((name) => name !== 'help');
}

describe('command lines', () => {
  it('finds the programs of package.json, and a bad value for each', () => {
    expect(PROGRAMS.map((p) => p.script)).toEqual(expect.arrayContaining(Object.keys(BAD_VALUES)));
    expect(Object.keys(BAD_VALUES)).toEqual(expect.arrayContaining(PROGRAMS.map((p) => p.script)));
  });

  // A program with many subcommands (npm run hub: nine) starts a process for each: allow it time on a busy machine.
  it.each(PROGRAMS)(
    'npm run $script: --help, an unknown flag, a bad value',
    { timeout: 120_000 },
    async ({ script, file }) => {
      const [help, unknown, bad] = await Promise.all([
        run(file, ['--help']),
        run(file, ['--no-such-flag']),
        run(file, BAD_VALUES[script] ?? []),
      ]);

      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toMatch(/^Usage: npm (start|run)/);
      expect(help.stderr).toBe('');
      // commander reports a missing mandatory option before an unknown one.
      expectRefused(unknown, /unknown option '--no-such-flag'|required option/);
      expectRefused(bad, /invalid|too many arguments|not a valid/);

      for (const subcommand of subcommandsOf(help.stdout)) {
        const [subHelp, subUnknown] = await Promise.all([
          run(file, [subcommand, '--help']),
          run(file, [subcommand, '--no-such-flag']),
        ]);
        expect(subHelp.code, `${script} ${subcommand} --help`).toBe(0);
        expect(subHelp.stdout).toContain('Usage:');
        expectRefused(subUnknown, /unknown option '--no-such-flag'/);
      }
    },
  );
});
