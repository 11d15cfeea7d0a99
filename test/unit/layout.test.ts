import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/*
 * The layout (README "Layout"): each folder is a room, and a room imports only the rooms this table allows.
 * Pure layers first; every arrow points from the outside in, so the table has no cycle and neither may the
 * imports. A new folder must be added here before anything can import it.
 */

const PURE = ['schemas', 'events', 'domain', 'api'] as const;
const HANDLERS = [
  'functions/ingest',
  'functions/publish',
  'functions/derive',
  'functions/stats',
  'functions/query',
  'functions/operations',
  'functions/imports',
] as const;
const FUNCTIONS = ['functions/runtime', 'functions/adapters', 'functions/http', ...HANDLERS] as const;
const ROOMS = [
  ...PURE,
  ...FUNCTIONS,
  'infra',
  'local',
  'cli',
  'console',
  'cli',
  'scripts',
  'bench',
  'examples',
  'test',
] as const;
type Room = (typeof ROOMS)[number];

const ALLOWED: { readonly [R in Room]: readonly Room[] } = {
  schemas: [],
  events: ['schemas'],
  domain: ['schemas', 'events'],
  api: ['schemas', 'events', 'domain'],
  'functions/runtime': [...PURE],
  'functions/adapters': [...PURE, 'functions/runtime'],
  'functions/http': [...PURE, 'functions/runtime'],
  // Each handler owns its use cases; handlers do not import one another.
  'functions/ingest': [...PURE, 'functions/runtime', 'functions/adapters', 'functions/http'],
  'functions/publish': [...PURE, 'functions/runtime', 'functions/adapters', 'functions/http'],
  'functions/derive': [...PURE, 'functions/runtime', 'functions/adapters', 'functions/http'],
  'functions/stats': [...PURE, 'functions/runtime', 'functions/adapters', 'functions/http'],
  'functions/query': [...PURE, 'functions/runtime', 'functions/adapters', 'functions/http'],
  'functions/operations': [...PURE, 'functions/runtime', 'functions/adapters', 'functions/http'],
  // The one exception: an import stores each chunk of rows through ingest's use case (submit.ts), so a row is
  // checked, stored and published exactly as a submitted record is.
  'functions/imports': [
    ...PURE,
    'functions/runtime',
    'functions/adapters',
    'functions/http',
    'functions/ingest',
  ],
  // The CDK app deploys the functions by path; it imports the facts of the pure layers and the table layout
  // the adapters define (key names), never handler code.
  infra: [...PURE, 'functions/adapters'],
  // The local hub enforces a stage's API throttling (infra/config.ts).
  local: [...PURE, ...FUNCTIONS, 'infra'],
  // The operator command runs the functions' own code (stores, the publisher's change event) against a target.
  cli: [...PURE, ...FUNCTIONS],
  // The operator console runs in the browser: the API's types, and the one pure module the hub serves it
  // (schemas/errors.ts, for masking); beside local/, cli/ and scripts/, importing none of them.
  console: [...PURE],
  // The capacity plan reads the stage config (infra/config.ts).
  scripts: [...PURE, 'infra'],
  // The benchmarks measure the local hub on the tests' corpus (test/fixtures/corpus.ts).
  bench: [...PURE, ...FUNCTIONS, 'local', 'test'],
  examples: [],
  test: [...PURE, ...FUNCTIONS, 'infra', 'local', 'cli', 'console', 'scripts', 'examples'],
};

const ALIASES = Object.entries(
  (
    JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      imports: Record<string, string>;
    }
  ).imports,
).map(([alias, target]) => [alias.replace(/\*$/, ''), posix.normalize(target.replace(/\*$/, ''))] as const);

/** The room of a repository path: its top folder, or functions/<folder>; undefined for files at the root. */
function roomOf(path: string): string | undefined {
  const [top, sub] = path.split('/');
  if (sub === undefined) return undefined;
  return top === 'functions' ? `functions/${sub}` : top;
}

/** The repository path an import specifier names, or undefined for a package. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) return posix.normalize(posix.join(posix.dirname(from), specifier));
  for (const [alias, target] of ALIASES)
    if (specifier.startsWith(alias)) return target + specifier.slice(alias.length);
  return undefined;
}

interface Violation {
  from: string;
  to: string;
  rule: string;
}

/** Every import that breaks the table, and every cycle among the rooms the imports connect. */
function layoutViolations(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  const edges = new Map<string, Set<string>>();
  for (const [file, text] of files) {
    const from = roomOf(file);
    if (from === undefined) continue;
    for (const { fileName: specifier } of ts.preProcessFile(text, true, true).importedFiles) {
      const target = resolveImport(file, specifier);
      const to = target === undefined ? undefined : roomOf(target);
      if (to === undefined || to === from) continue;
      const out = edges.get(from) ?? new Set();
      out.add(to);
      edges.set(from, out);
      const allowed = (ALLOWED as Record<string, readonly string[] | undefined>)[from];
      if (allowed === undefined)
        violations.push({ from: file, to: specifier, rule: `${from}/ is not in the table` });
      else if (!allowed.includes(to))
        violations.push({ from: file, to: specifier, rule: `${from}/ may not import ${to}/` });
    }
  }
  for (const cycle of cyclesOf(edges))
    violations.push({ from: cycle[0] ?? '', to: cycle.join(' -> '), rule: 'cycle' });
  return violations;
}

/** Cycles of a directed graph, each as the path that closes it (depth-first search). */
function cyclesOf(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const visit = (node: string, path: string[]) => {
    const at = path.indexOf(node);
    if (at >= 0) {
      cycles.push([...path.slice(at), node]);
      return;
    }
    if (done.has(node)) return;
    for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    done.add(node);
  };
  for (const node of edges.keys()) visit(node, []);
  return cycles;
}

function repositoryFiles(): Map<string, string> {
  const root = new URL('../../', import.meta.url);
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.ts'], {
    cwd: root,
    encoding: 'utf8',
  });
  const files = new Map<string, string>();
  for (const path of listed.split('\n').filter(Boolean)) {
    try {
      files.set(path, readFileSync(new URL(path, root), 'utf8'));
    } catch {
      // listed but deleted in the working tree
    }
  }
  return files;
}

describe('layout', () => {
  it('every import of the repository follows the table, and the rooms form no cycle', () => {
    const files = repositoryFiles();
    expect(files.size).toBeGreaterThan(200);
    expect(layoutViolations(files)).toEqual([]);
  });

  it('finds an upward import, a forbidden sideways import and a cycle', () => {
    const files = new Map([
      ['schemas/a.ts', "import { b } from '#events/b.ts';"],
      ['events/b.ts', "import { a } from '../schemas/a.ts';\nexport const b = 1;"],
      ['scripts/docs/c.ts', "export { d } from '#local/d.ts';"],
      ['local/d.ts', "const e = await import('../scripts/docs/c.ts');"],
      ['test/e.test.ts', "import { run } from '../bench/run.ts';\nimport 'zod';"],
      ['functions/query/f.ts', "import { g } from '../ingest/g.ts';"],
      ['domain/g.ts', "import { h } from '#functions/adapters/h.ts';"],
    ]);
    expect(layoutViolations(files)).toEqual([
      { from: 'schemas/a.ts', to: '#events/b.ts', rule: 'schemas/ may not import events/' },
      { from: 'scripts/docs/c.ts', to: '#local/d.ts', rule: 'scripts/ may not import local/' },
      { from: 'local/d.ts', to: '../scripts/docs/c.ts', rule: 'local/ may not import scripts/' },
      { from: 'test/e.test.ts', to: '../bench/run.ts', rule: 'test/ may not import bench/' },
      {
        from: 'functions/query/f.ts',
        to: '../ingest/g.ts',
        rule: 'functions/query/ may not import functions/ingest/',
      },
      {
        from: 'domain/g.ts',
        to: '#functions/adapters/h.ts',
        rule: 'domain/ may not import functions/adapters/',
      },
      { from: 'schemas', to: 'schemas -> events -> schemas', rule: 'cycle' },
      { from: 'scripts', to: 'scripts -> local -> scripts', rule: 'cycle' },
    ]);
  });

  it('knows every folder that holds TypeScript', () => {
    const rooms = new Set([...repositoryFiles().keys()].map(roomOf).filter((room) => room !== undefined));
    expect([...rooms].filter((room) => !(ROOMS as readonly string[]).includes(room))).toEqual([]);
  });
});
