import type { Label } from './dom.ts';

/** The console's own words, Chinese and English (values come from the API; their labels from here). */
export const LABELS = {
  accepted: ['接收', 'accepted'],
  unchanged: ['未变', 'unchanged'],
  rejected: ['拒收', 'rejected'],
  minute: ['分钟 (UTC)', 'minute'],
  code: ['错误代码', 'code'],
  records: ['记录数', 'records'],
  messageZh: ['中文说明', 'message (zh)'],
  messageEn: ['英文说明', 'message (en)'],
  submitter: ['报送方', 'submitter'],
  role: ['角色', 'role'],
  lateReports: ['迟报条数', 'late reports'],
  byKind: ['按类型', 'by kind'],
  importId: ['导入编号', 'import'],
  kind: ['记录类型', 'kind'],
  importer: ['导入方', 'importer'],
  progress: ['进度', 'progress'],
  processed: ['已处理', 'processed'],
  total: ['总行数', 'rows'],
  rowsPerSecond: ['行/秒', 'rows/s'],
  eta: ['预计剩余 (秒)', 'ETA (s)'],
  started: ['开始 (UTC)', 'started'],
  finished: ['结束 (UTC)', 'finished'],
  subscriber: ['订阅方', 'subscriber'],
  state: ['状态', 'state'],
  waiting: ['待消费', 'waiting'],
  inFlight: ['处理中', 'in flight'],
  oldestAge: ['最早消息', 'oldest message'],
  deadLetters: ['死信', 'dead letters'],
  deliveredLastHour: ['近1小时投递', 'delivered, last hour'],
  alarmAfter: ['告警阈值', 'alarm after'],
  division: ['区划', 'division'],
  registered: ['登记流动人口', 'registered migrants'],
  coordinators: ['需配备协管员 (800∶1)', 'coordinators required'],
  schooling: ['在校就读', 'in school'],
  category: ['类别', 'category'],
  count: ['人数', 'people'],
} as const satisfies Record<string, Label>;

export const PAGE_TITLES = {
  flow: ['流量', 'Flow'],
  subscribers: ['订阅方', 'Subscribers'],
  statistics: ['调查摸底', 'Statistics'],
} as const satisfies Record<string, Label>;

export const STATE_LABELS: Record<string, Label> = {
  ok: ['正常', 'ok'],
  backlog: ['积压', 'backlog'],
  'dead-letters': ['有死信', 'dead letters'],
};

export const IMPORT_STATUS_LABELS: Record<string, Label> = {
  queued: ['排队中', 'queued'],
  running: ['导入中', 'running'],
  done: ['已完成', 'done'],
  failed: ['失败', 'failed'],
};

export const DEPARTMENT_LABELS: Record<string, Label> = {
  'public-security': ['公安', 'public security'],
  housing: ['住房城乡建设', 'housing'],
  hrss: ['人力资源社会保障', 'human resources & social security'],
  education: ['教育', 'education'],
  health: ['卫生健康', 'health'],
};

export const ROLE_LABELS: Record<string, Label> = {
  landlord: ['房东', 'landlord'],
  'property-manager': ['物业', 'property manager'],
  agency: ['中介', 'agency'],
  employer: ['用人单位', 'employer'],
  school: ['学校', 'school'],
  department: ['部门', 'department'],
  resident: ['居民本人', 'resident'],
};

export const LENGTH_LABELS: Record<string, Label> = {
  under6Months: ['不满6个月', 'under 6 months'],
  sixTo12Months: ['6至12个月', '6–12 months'],
  oneTo3Years: ['1至3年', '1–3 years'],
  threeTo5Years: ['3至5年', '3–5 years'],
  over5Years: ['5年以上', 'over 5 years'],
};

export const EMPLOYMENT_LABELS: Record<string, Label> = {
  employed: ['就业', 'employed'],
  notEmployed: ['未就业', 'not employed'],
};

export const INSURANCE_LABELS: Record<string, Label> = {
  insured: ['参加社保', 'insured'],
  uninsured: ['未参加社保', 'uninsured'],
};

/** A label for a key the console has no words for (a value added to the API later): the key itself. */
export const labelOf = (labels: Record<string, Label>, key: string): Label => labels[key] ?? [key, key];

/** One line for a chart's axis or legend. */
export const flat = ([zh, en]: Label): string => `${zh} ${en}`;
