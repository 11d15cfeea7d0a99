import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { HubEndpoints } from '#local/hub-state.ts';

export interface HubProcess {
  endpoints: HubEndpoints;
  /** The hub's process id (its memory can be read from /proc/<pid>/status). */
  pid: number;
  /** Where the hub wrote endpoints.json and its signing key (HUB_STATE_DIR). */
  stateDir: string;
  output: () => string;
  /** Ctrl-C, as a developer would stop it; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** `kill -9`: no chance to finish anything; resolves once the process is gone. */
  kill(): Promise<void>;
}

/** Starts `npm start`'s entry point as its own process on free ports, and reads the endpoints it writes. */
export async function startHubProcess(args: string[] = []): Promise<HubProcess> {
  const stateDir = await mkdtemp(join(tmpdir(), 'hub-state-'));
  const child = spawn(process.execPath, ['local/main.ts', ...args], {
    env: { ...process.env, HUB_PORT: '0', HUB_STATE_DIR: stateDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const endpoints = await waitForEndpoints(child, join(stateDir, 'endpoints.json'), () => output);
  return {
    endpoints,
    pid: child.pid ?? 0,
    stateDir,
    output: () => output,
    stop: () => stopProcess(child, 'SIGINT'),
    kill: async () => {
      await stopProcess(child, 'SIGKILL');
    },
  };
}

async function waitForEndpoints(
  child: ChildProcess,
  file: string,
  output: () => string,
): Promise<HubEndpoints> {
  for (let waited = 0; waited < 30_000; waited += 50) {
    if (child.exitCode !== null) throw new Error(`hub exited with ${child.exitCode}:\n${output()}`);
    if (output().includes('local hub is running'))
      return JSON.parse(await readFile(file, 'utf8')) as HubEndpoints;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`hub did not start within 30 s:\n${output()}`);
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}
