import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SQSClient } from '@aws-sdk/client-sqs';
import officeCrypto from 'officecrypto-tool';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { localSqsClient } from '#local/emulators/clients.ts';
import { settleHub, takeAllMessages } from '#local/queue-tools.ts';
import type { CellValue } from '#schemas/tabular.ts';
import { type HubProcess, startHubProcess } from '../helpers/hub-process.ts';
import { csvFile, registrationRow, xlsxFile } from '../helpers/import-files.ts';
import { idNumberFor } from '../helpers/sample-people.ts';

// Registers as they arrive: CSV from Excel in UTF-8 and in GB18030, an XLSX workbook with date cells and an
// ID number kept as a number, each with good, dirty-but-good and bad rows, imported over HTTP into a running
// hub; the status, the error report line by line, and what the department queues received.

const IMPORTER = 'property-manager-lvcheng';
const AUDITOR = 'dept-public-security-xihu'; // department caller with an audit right
const CSV = 'text/csv';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HEADERS = ['公民身份号码', '姓名', '居住地址', '居住类型', '入住日期', '联系电话'];
const GOOD_ROWS = 40;
/** Each import stores and derives about fifty people; generous on a loaded 2-core machine. */
const IMPORT_TEST_MS = 120_000;

let hub: HubProcess;
let sqs: SQSClient;

beforeAll(async () => {
  hub = await startHubProcess();
  sqs = localSqsClient(hub.endpoints.sqsEndpoint);
});

// Each test counts what the queues received during it alone.
beforeEach(async () => {
  await registrationsReceived();
}, 120_000);

afterAll(async () => {
  sqs?.destroy();
  expect(await hub?.stop()).toBe(0);
});

const auth = (submitterId: string) => ({ authorization: `Bearer ${hub.endpoints.tokens[submitterId]}` });

async function postFile(
  body: Buffer,
  contentType: string,
  query: string,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${hub.endpoints.apiUrl}/v1/imports?${query}`, {
    method: 'POST',
    headers: { ...auth(IMPORTER), 'content-type': contentType, ...headers },
    body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as {
      statusUrl: string;
      importId?: string;
      code?: string;
      acceptedColumns?: string[];
    },
  };
}

/** Polls the import's status (no wall-clock assertion: at most 600 polls) until it is done or failed. */
async function finished(statusUrl: string, submitterId = IMPORTER): Promise<Record<string, unknown>> {
  for (let poll = 0; poll < 600; poll += 1) {
    const response = await fetch(`${hub.endpoints.apiUrl}${statusUrl}`, { headers: auth(submitterId) });
    const status = (await response.json()) as Record<string, unknown>;
    if (status.status === 'done' || status.status === 'failed') return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`import ${statusUrl} did not finish`);
}

async function report(statusUrl: string, submitterId = IMPORTER) {
  const response = await fetch(`${hub.endpoints.apiUrl}${statusUrl}/errors`, { headers: auth(submitterId) });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    bytes: Buffer.from(await response.arrayBuffer()),
  };
}

/** Residence registrations each department received since the last call, by the person's name and type. */
async function registrationsReceived(): Promise<Record<string, number>> {
  await settleHub(hub.endpoints.apiUrl);
  const counts: Record<string, number> = {};
  for (const department of ['public-security', 'health', 'housing']) {
    const messages = await takeAllMessages(sqs, hub.endpoints.queues[department] ?? '');
    counts[department] = messages.filter(
      (m) => JSON.parse(m.Body ?? '{}').type === 'ResidenceRegistration.Created',
    ).length;
  }
  return counts;
}

/**
 * A register of `GOOD_ROWS` plain rows for people `offset + 1…`, then dirty-but-good rows, a repeated row,
 * an empty row and bad rows. The bad rows' errors are the expected report, with their spreadsheet row numbers.
 */
function register(offset: number, idAsNumber: CellValue, movedIn: CellValue) {
  const plain = Array.from({ length: GOOD_ROWS }, (_, i) => [...registrationRow(offset + i + 1), '']);
  // People of these rows carry ID numbers issued in Gongshu (330105): none is one of the plain rows' people.
  const person = (n: number) => idNumberFor('330105', `1988-0${n}-1${n}`, 101 + 2 * n + offset / 100);
  const x = idEndingInX(`1987-0${1 + offset / 1000}-01`);
  const dirty: CellValue[][] = [
    [
      person(1).replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))),
      '陈静',
      '浙江省杭州市西湖区文三路1号3幢2单元301室',
      '租赁房屋',
      '2024年3月1日',
      '+86 138-1234-5678',
    ],
    [x.toLowerCase(), '阿依古丽•买买提', '浙江省杭州市西湖区文三路2号', '单位集体宿舍', '2024.3.1', ''],
    [person(3), '刘洋', '杭州市西湖区文三路3号3-2-301', '自购房屋', movedIn, '13812345678'],
  ];
  const checksum = person(4).slice(0, 17) + (person(4).endsWith('1') ? '2' : '1');
  const bad: CellValue[][] = [
    [checksum, '赵磊', '浙江省杭州市西湖区文三路4号', '租赁房屋', '2024-03-01', ''],
    [person(5), '孙丽', '浙江省杭州市西湖区文三路5号', '租赁房屋', '2024-02-30', ''],
    [idAsNumber, '周杰', '浙江省杭州市西湖区文三路6号', '租赁房屋', '2024-03-01', ''],
    [person(7), '', '浙江省杭州市西湖区文三路7号', '租赁房屋', '2024-03-01', '', '备注'],
  ];
  const rows: (CellValue[] | null)[] = [HEADERS, ...plain, ...dirty, plain[0] ?? null, null, ...bad];
  const first = rows.length - bad.length + 1; // spreadsheet row of the first bad row
  const masked = `${checksum.slice(0, 4)}**********${checksum.slice(-4)}`;
  const expectedReport = [
    'row,column,path,code,message,message_zh',
    `${first},公民身份号码,person.idNumber,ID_NUMBER_CHECKSUM,Resident ID number fails the GB 11643 check character; check for a mistyped digit. Received: ${masked}.,公民身份号码校验码错误（GB 11643），请检查是否有数字输错。`,
    `${first + 1},入住日期,movedInOn,DATE_INVALID,Date does not exist in the calendar (for example 30 February); expected a real date between 1900-01-01 and 2199-12-31. Received: 2024-02-30.,日期不存在（例如2月30日）；应为1900-01-01至2199-12-31之间的真实日期。`,
    `${first + 2},公民身份号码,person.idNumber,ID_NUMBER_AS_NUMBER,"The ID number was kept as a number by the spreadsheet (e.g. 3.30106E+17): a number keeps only 15 significant digits and no final X, so the ID number is lost. Format the column as text and enter the number again.",公民身份号码被表格存成了数字（如3.30106E+17）：数字只保留15位有效数字且不能含末位X，号码已丢失。请将该列设为文本格式后重新填写。`,
    `${first + 3},G,,FIELD_UNKNOWN,"This field is not part of the record kind; remove it. (a value in column G, which has no header)",该字段不属于此记录类型，请删除。`,
    `${first + 3},姓名,person.name,REQUIRED,This field is required but is missing or null.,必填字段缺失或为空。`,
  ].join('\n');
  return {
    rows,
    accepted: GOOD_ROWS + dirty.length,
    unchanged: 1,
    rejected: bad.length,
    expectedReport: `\uFEFF${expectedReport}\n`,
  };
}

/** An ID number whose check character is X (to be written with a lowercase x). */
function idEndingInX(birthDate: string): string {
  for (let sequence = 100; ; sequence += 1) {
    const id = idNumberFor('330105', birthDate, sequence);
    if (id.endsWith('X')) return id;
  }
}

describe('importing registers', { timeout: IMPORT_TEST_MS }, () => {
  it.each([
    ['CSV in UTF-8 with BOM', 0, 'utf-8-bom'],
    ['CSV in GB18030', 1000, 'gb18030'],
  ] as const)(
    '%s: status counts, the error report line by line, one event per accepted row',
    async (_, offset, encoding) => {
      // Prepare
      const file = register(offset, '3.30106E+17', '20240301');
      const rows = file.rows.map((row) => row ?? []);

      // Act
      const started = await postFile(csvFile(rows, encoding), CSV, 'kind=residence-registration');
      const status = await finished(started.body.statusUrl);
      const errors = await report(started.body.statusUrl);

      // Assess
      expect(started.status).toBe(202);
      expect(status).toMatchObject({
        kind: 'residence-registration',
        status: 'done',
        total: file.accepted + file.unchanged + file.rejected,
        processed: file.accepted + file.unchanged + file.rejected,
        accepted: file.accepted,
        unchanged: file.unchanged,
        rejected: file.rejected,
      });
      expect(errors.type).toBe('text/csv; charset=utf-8');
      expect(errors.bytes.toString('utf8')).toBe(file.expectedReport);
      expect(await registrationsReceived()).toStrictEqual({
        'public-security': file.accepted,
        health: file.accepted,
        housing: 0,
      });
    },
  );

  it('XLSX through an upload URL: date cells, an ID number kept as a number, the named sheet', async () => {
    // Prepare
    // 330106198804051234 typed into a number cell: what is left of it.
    const file = register(2000, 330106198804051200, new Date(Date.UTC(2024, 2, 1)));
    const workbook = await xlsxFile([
      { name: '说明', rows: [['本表为居住登记']] },
      { name: '登记', rows: file.rows },
    ]);

    // Act
    const asked = await fetch(`${hub.endpoints.apiUrl}/v1/imports`, {
      method: 'POST',
      headers: { ...auth(IMPORTER), 'content-type': 'application/json' },
      body: JSON.stringify({
        kind: 'residence-registration',
        fileName: '登记.xlsx',
        contentType: XLSX,
        sheet: '登记',
      }),
    });
    const upload = (await asked.json()) as { statusUrl: string; uploadUrl: string };
    const queued = await fetch(`${hub.endpoints.apiUrl}${upload.statusUrl}`, { headers: auth(IMPORTER) });
    const put = await fetch(upload.uploadUrl, {
      method: 'PUT',
      headers: { 'content-type': XLSX },
      body: workbook,
    });
    const status = await finished(upload.statusUrl);
    const errors = await report(upload.statusUrl, AUDITOR);

    // Assess
    expect(asked.status).toBe(201);
    expect(await queued.json()).toMatchObject({
      status: 'queued',
      total: null,
      processed: 0,
      startedAt: null,
    });
    expect(put.status).toBe(200);
    expect(status).toMatchObject({
      status: 'done',
      accepted: file.accepted,
      unchanged: 1,
      rejected: file.rejected,
    });
    expect(errors.bytes.toString('utf8')).toBe(file.expectedReport);
    expect(await registrationsReceived()).toMatchObject({ 'public-security': file.accepted });
  });

  it('answers the same import to a repeated Idempotency-Key, and 422 when the key comes with another file', async () => {
    // Prepare
    const file = csvFile([HEADERS, [...registrationRow(5001), '']], 'utf-8');
    const key = { 'Idempotency-Key': 'import-e2e-1' };

    // Act
    const first = await postFile(file, CSV, 'kind=residence-registration', key);
    const again = await postFile(file, CSV, 'kind=residence-registration', key);
    const other = await postFile(
      csvFile([HEADERS, [...registrationRow(5002), '']], 'utf-8'),
      CSV,
      'kind=residence-registration',
      key,
    );
    await finished(first.body.statusUrl);

    // Assess
    expect(again.status).toBe(202);
    expect(again.body.importId).toBe(first.body.importId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(other).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
  });

  it('shows an import only to its importer and to a department with the audit right', async () => {
    // Prepare
    const started = await postFile(
      csvFile([HEADERS, [...registrationRow(5003), '']], 'utf-8'),
      CSV,
      'kind=residence-registration',
    );
    await finished(started.body.statusUrl);
    const as = async (submitterId: string) =>
      (await fetch(`${hub.endpoints.apiUrl}${started.body.statusUrl}`, { headers: auth(submitterId) }))
        .status;

    // Assess
    expect(await as(IMPORTER)).toBe(200);
    expect(await as(AUDITOR)).toBe(200);
    expect(await as('dept-health-xihu')).toBe(404);
    expect(await as('landlord-wang-fang')).toBe(404);
    expect((await report(started.body.statusUrl, 'landlord-wang-fang')).status).toBe(404);
  });
});

describe('refusing a file whole', { timeout: IMPORT_TEST_MS }, () => {
  it('lists every offending header and the accepted ones, and stores nothing', async () => {
    // Act
    const refused = await postFile(
      csvFile(
        [
          ['身份证号', '公民身份号码', '居住证号', '居住地址'],
          ['1', '2', '3', '4'],
        ],
        'utf-8',
      ),
      CSV,
      'kind=residence-registration',
    );

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'IMPORT_COLUMNS_INVALID',
      errors: [
        { path: 'B1', code: 'COLUMN_DUPLICATE' },
        { path: 'C1', code: 'COLUMN_UNKNOWN' },
        { path: '', code: 'COLUMN_MISSING' },
        { path: '', code: 'COLUMN_MISSING' },
        { path: '', code: 'COLUMN_MISSING' },
      ],
    });
    expect(refused.body.acceptedColumns).toEqual(
      expect.arrayContaining(['公民身份号码', 'person.idNumber', '入住日期']),
    );
    expect(await registrationsReceived()).toStrictEqual({ 'public-security': 0, health: 0, housing: 0 });
  });

  it('refuses an empty file, a file that is not what its type says, a password-protected and a damaged workbook', async () => {
    // Prepare
    const workbook = await xlsxFile([{ name: 'Sheet1', rows: [HEADERS, [...registrationRow(6001), '']] }]);
    const encrypted = await officeCrypto.encrypt(workbook, { password: 'secret' });

    // Act
    const answers = await Promise.all([
      postFile(Buffer.alloc(0), CSV, 'kind=residence-registration'),
      postFile(workbook, CSV, 'kind=residence-registration'),
      postFile(csvFile([HEADERS], 'utf-8'), XLSX, 'kind=residence-registration'),
      postFile(encrypted, XLSX, 'kind=residence-registration'),
      postFile(workbook.subarray(0, workbook.length - 200), XLSX, 'kind=residence-registration'),
      postFile(csvFile([HEADERS], 'utf-8'), 'application/pdf', 'kind=residence-registration'),
      postFile(csvFile([HEADERS], 'utf-8'), CSV, 'kind=employment-history'),
    ]);

    // Assess
    expect(answers.map((a) => [a.status, a.body.code])).toStrictEqual([
      [400, 'FILE_EMPTY'],
      [400, 'FILE_TYPE_MISMATCH'],
      [400, 'FILE_TYPE_MISMATCH'],
      [400, 'FILE_ENCRYPTED'],
      [400, 'FILE_CORRUPT'],
      [415, 'UNSUPPORTED_MEDIA_TYPE'],
      [400, 'INVALID_REQUEST'],
    ]);
    expect(await registrationsReceived()).toStrictEqual({ 'public-security': 0, health: 0, housing: 0 });
  });

  it('refuses a kind the role may not submit, and any import by a resident', async () => {
    const file = csvFile([HEADERS], 'utf-8');
    const as = async (submitterId: string, kind: string) =>
      (
        await fetch(`${hub.endpoints.apiUrl}/v1/imports?kind=${kind}`, {
          method: 'POST',
          headers: { ...auth(submitterId), 'content-type': CSV },
          body: file,
        })
      ).status;
    expect(await as('school-wensan-primary', 'tenancy')).toBe(403);
    expect(await as('resident-self-service', 'residence-registration')).toBe(403);
  });
});

describe('the operator command: npm run hub -- import', { timeout: IMPORT_TEST_MS }, () => {
  /** Runs `hub import` against the test's hub; resolves with its exit code and output. */
  async function hubImport(args: string[]) {
    const run = promisify(execFile);
    const endpoints = join(hub.stateDir, 'endpoints.json');
    try {
      const { stdout, stderr } = await run(process.execPath, [
        'cli/main.ts',
        'import',
        ...args,
        '--endpoints',
        endpoints,
        '--poll-ms',
        '100',
      ]);
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  it('imports the example register and writes its error report beside it (exit 0, with a rejected row)', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'hub-import-cli-'));
    const file = join(dir, 'register.csv');
    await copyFile('examples/imports/residence-registration.csv', file);

    // Act
    const result = await hubImport([file, '--kind', 'residence-registration', '--as', IMPORTER]);
    const report = await readFile(join(dir, 'register.errors.csv'), 'utf8');
    await rm(dir, { recursive: true, force: true });

    // Assess
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `done: 4 rows, accepted 3, unchanged 0, rejected 1; error report: ${join(dir, 'register.errors.csv')}`,
    );
    expect(report).toBe(
      [
        '\uFEFFrow,column,path,code,message,message_zh',
        '5,公民身份号码,person.idNumber,ID_NUMBER_CHECKSUM,Resident ID number fails the GB 11643 check character; check for a mistyped digit. Received: 5101**********3150.,公民身份号码校验码错误（GB 11643），请检查是否有数字输错。',
        '5,入住日期,movedInOn,DATE_INVALID,Date does not exist in the calendar (for example 30 February); expected a real date between 1900-01-01 and 2199-12-31. Received: 2024-02-30.,日期不存在（例如2月30日）；应为1900-01-01至2199-12-31之间的真实日期。',
        '',
      ].join('\n'),
    );
  });

  it('exits 1 with the problem when the import fails, and 2 on bad arguments', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'hub-import-cli-'));
    const file = join(dir, 'wrong.csv');
    await writeFile(
      file,
      csvFile(
        [
          ['居住证号', '姓名'],
          ['1', '张伟'],
        ],
        'utf-8',
      ),
    );

    // Act
    const failed = await hubImport([file, '--kind', 'residence-registration', '--as', IMPORTER]);
    const unknownKind = await hubImport([file, '--kind', 'permit', '--as', IMPORTER]);
    await rm(dir, { recursive: true, force: true });

    // Assess
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('import failed: IMPORT_COLUMNS_INVALID');
    expect(failed.stderr).toContain(
      'A1 COLUMN_UNKNOWN: Column A "居住证号" is not a field of residence-registration.',
    );
    expect(unknownKind.code).toBe(2);
    expect(unknownKind.stderr).toContain("error: option '--kind <kind>' argument 'permit' is invalid.");
  });
});
