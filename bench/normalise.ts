// Throughput of normaliseRecord against a JSON round-trip of the same records, on one core.
import { getHeapStatistics } from 'node:v8';
import { normaliseRecord } from '../schemas/index.ts';
import { type CorpusRecord, generateCorpus } from '../test/fixtures/corpus.ts';

export interface Throughput {
  records: number;
  /** Best of the measured rounds, wall clock. */
  recordsPerSecond: number;
  /** Best of the measured rounds, per second of process CPU time (user + system): robust on a busy machine. */
  recordsPerCpuSecond: number;
}

export interface NormaliseBenchResult {
  corpusSize: number;
  baseline: Throughput;
  allKinds: Throughput & { accepted: number; rejected: number; slowdownVsBaseline: number };
  residenceRegistrations: Throughput & { slowdownVsBaseline: number };
  memory: {
    /** Highest process.memoryUsage().heapUsed sampled during the runs. */
    peakHeapUsedBytes: number;
    v8: {
      usedHeapSize: number;
      totalHeapSize: number;
      heapSizeLimit: number;
      mallocedMemory: number;
      peakMallocedMemory: number;
    };
  };
}

const ROUNDS = 3;
const SAMPLE_EVERY = 4096;

let peakHeapUsed = 0;
const sampleHeap = (): void => {
  peakHeapUsed = Math.max(peakHeapUsed, process.memoryUsage().heapUsed);
};

/** Runs `fn` over the records ROUNDS times after a warm-up; returns the best round. */
function measure(records: readonly CorpusRecord[], fn: (record: CorpusRecord) => unknown): Throughput {
  for (let i = 0; i < Math.min(records.length, 10_000); i++) fn(records[i] as CorpusRecord);
  let bestWall = 0;
  let bestCpu = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const startedAt = performance.now();
    const cpuBefore = process.cpuUsage();
    for (let i = 0; i < records.length; i++) {
      fn(records[i] as CorpusRecord);
      if (i % SAMPLE_EVERY === 0) sampleHeap();
    }
    const cpu = process.cpuUsage(cpuBefore);
    const seconds = (performance.now() - startedAt) / 1000;
    bestWall = Math.max(bestWall, records.length / seconds);
    bestCpu = Math.max(bestCpu, records.length / ((cpu.user + cpu.system) / 1e6));
  }
  sampleHeap();
  return {
    records: records.length,
    recordsPerSecond: Math.round(bestWall),
    recordsPerCpuSecond: Math.round(bestCpu),
  };
}

const ratio = (baseline: Throughput, measured: Throughput): number =>
  Math.round((baseline.recordsPerCpuSecond / measured.recordsPerCpuSecond) * 10) / 10;

const format = (n: number): string => n.toLocaleString('en-US');
const megabytes = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** Generates a mixed corpus of `n` records and measures normaliseRecord over it; prints and returns the figures. */
export async function benchNormalise(n = 100_000): Promise<NormaliseBenchResult> {
  peakHeapUsed = 0;
  const corpus = generateCorpus(n);
  const registrations = corpus.filter((record) => record.kind === 'residence-registration');
  sampleHeap();

  const baseline = measure(corpus, (record) => JSON.parse(JSON.stringify(record.data)));
  const accepted = corpus.filter((record) => normaliseRecord(record.kind, record.data).ok).length;
  const allKinds = measure(corpus, (record) => normaliseRecord(record.kind, record.data));
  const registrationsOnly = measure(registrations, (record) => normaliseRecord(record.kind, record.data));

  const heap = getHeapStatistics();
  const result: NormaliseBenchResult = {
    corpusSize: corpus.length,
    baseline,
    allKinds: {
      ...allKinds,
      accepted,
      rejected: corpus.length - accepted,
      slowdownVsBaseline: ratio(baseline, allKinds),
    },
    residenceRegistrations: { ...registrationsOnly, slowdownVsBaseline: ratio(baseline, registrationsOnly) },
    memory: {
      peakHeapUsedBytes: peakHeapUsed,
      v8: {
        usedHeapSize: heap.used_heap_size,
        totalHeapSize: heap.total_heap_size,
        heapSizeLimit: heap.heap_size_limit,
        mallocedMemory: heap.malloced_memory,
        peakMallocedMemory: heap.peak_malloced_memory,
      },
    },
  };

  const line = (label: string, t: Throughput, extra = '') =>
    `  ${label.padEnd(28)} ${format(t.records).padStart(8)} records  ${format(t.recordsPerSecond).padStart(10)} /s wall  ${format(t.recordsPerCpuSecond).padStart(10)} /s cpu${extra}`;
  console.log(`normaliseRecord — mixed corpus of ${format(n)} records (best of ${ROUNDS} rounds)`);
  console.log(line('JSON parse+stringify', baseline));
  console.log(
    line('normaliseRecord, all kinds', allKinds, `  x${result.allKinds.slowdownVsBaseline} baseline cost`),
  );
  console.log(
    line(
      '  residence-registration only',
      registrationsOnly,
      `  x${result.residenceRegistrations.slowdownVsBaseline} baseline cost`,
    ),
  );
  console.log(`  accepted ${format(accepted)}, rejected ${format(result.allKinds.rejected)}`);
  console.log(
    `  heap: peak used ${megabytes(peakHeapUsed)}; v8 used ${megabytes(heap.used_heap_size)}, total ${megabytes(heap.total_heap_size)}, ` +
      `limit ${megabytes(heap.heap_size_limit)}, peak malloced ${megabytes(heap.peak_malloced_memory)}`,
  );
  return result;
}
