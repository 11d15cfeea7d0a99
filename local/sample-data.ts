import { checkCharacter } from '#schemas/values/id-number.ts';

/** A valid ID number (fictional person) for a county, birth date and sequence (odd = male). */
export function sampleIdNumber(division: string, birthDate: string, sequence: number): string {
  const first17 = `${division}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  return `${first17}${checkCharacter(first17)}`;
}

const LANDLORD = sampleIdNumber('330106', '1968-04-15', 312);
const TENANT = sampleIdNumber('341222', '1990-03-07', 123);
const SPOUSE = sampleIdNumber('341222', '1992-10-20', 246);
/** The tenant's wife: registered with the family, no job or lease of her own. */
export const DEMO_SPOUSE_ID_NUMBER = SPOUSE;
const CHILD = sampleIdNumber('341222', '2016-08-28', 135);
const EMPLOYER_CODE = '91330106MA2711111A';

/**
 * The demo's story, one submission per submitter: a landlord registers a flat in Xihu district and the family
 * renting it (in the dirty forms real forms produce), the employer reports the job and insurance, the school
 * the child, and a year later the landlord reports the husband's move-out.
 */
export const DEMO_SUBMISSIONS: ReadonlyArray<{ submitterId: string; what: string; records: unknown[] }> = [
  {
    submitterId: 'landlord-wang-fang',
    what: 'a landlord registers her flat, the lease and the family living in it',
    records: [
      {
        kind: 'rental-property',
        sourceId: 'WF-FLAT-1',
        data: {
          owner: { 姓名: '王芳', 身份证号: LANDLORD, 手机: '139 1234 5678' },
          地址: '浙江省杭州市西湖区文三路９０号3-2-301',
          areaSqm: 68.5,
          rooms: 2,
        },
      },
      {
        kind: 'tenancy',
        sourceId: 'WF-LEASE-1',
        data: {
          tenant: { idNumber: TENANT, name: '张伟', phone: '+86 138-0013-8000' },
          landlord: { name: '王芳', idNumber: LANDLORD },
          property: '浙江省杭州市西湖区文三路90号3-2-301',
          startsOn: '2024年3月1日',
          endsOn: '2026-02-28',
          monthlyRentYuan: 3200,
        },
      },
      {
        kind: 'residence-registration',
        sourceId: 'WF-REG-1',
        data: {
          公民身份号码: TENANT.toLowerCase(),
          姓名: '张伟',
          民族: '汉族',
          联系电话: '0086 13800138000',
          户籍地: '341222',
          居住地址: '浙江省杭州市西湖区文三路90号3幢2单元301室',
          居住类型: '租赁房屋',
          居住事由: '务工',
          入住日期: '2024.3.1',
        },
      },
      {
        kind: 'residence-registration',
        sourceId: 'WF-REG-2',
        data: {
          person: { idNumber: SPOUSE, name: '李娜', ethnicity: '回族' },
          address: { divisionCode: '330106', detail: '文三路90号3-2-301' },
          residenceType: '租赁房屋',
          reason: '投靠亲友',
          movedInOn: '2024/3/1',
        },
      },
      {
        kind: 'residence-registration',
        sourceId: 'WF-REG-3',
        data: {
          person: { idNumber: CHILD, name: '张小明' },
          address: { divisionCode: '330106', detail: '文三路90号3-2-301' },
          residenceType: 'rented',
          reason: 'family',
          movedInOn: '20240301',
        },
      },
    ],
  },
  {
    submitterId: 'employer-xihu-tech',
    what: 'the employer reports the labour contract and the pension insurance',
    records: [
      {
        kind: 'employment',
        sourceId: 'HR-2024-017',
        data: {
          person: { idNumber: TENANT, name: '张伟' },
          employer: { creditCode: EMPLOYER_CODE, name: '杭州西湖科技有限公司', divisionCode: '330106' },
          contractType: 'fixed-term',
          startsOn: '2024-03-04',
          endsOn: '2027-03-03',
          occupation: '软件工程师',
        },
      },
      {
        kind: 'social-insurance',
        sourceId: 'SI-2024-017',
        data: {
          person: { idNumber: TENANT, name: '张伟' },
          insuranceType: '养老保险',
          divisionCode: '330106',
          employer: { creditCode: EMPLOYER_CODE, name: '杭州西湖科技有限公司' },
          startedOn: '2024-04-01',
        },
      },
    ],
  },
  {
    submitterId: 'school-wensan-primary',
    what: 'the school reports the child enrolled in year 2',
    records: [
      {
        kind: 'schooling',
        sourceId: 'WS-2024-0211',
        data: {
          student: { idNumber: CHILD, name: '张小明' },
          school: { name: '杭州市文三街小学', divisionCode: '330106' },
          stage: 'primary',
          grade: '二年级',
          enrolledOn: '2024-09-01',
        },
      },
    ],
  },
  {
    submitterId: 'landlord-wang-fang',
    what: 'the landlord reports that the husband moved out',
    records: [
      {
        kind: 'residence-departure',
        sourceId: 'WF-OUT-1',
        data: {
          person: { idNumber: TENANT, name: '张伟' },
          divisionCode: '330106',
          movedOutOn: '2025-03-31',
        },
      },
    ],
  },
];

const NEWCOMER = sampleIdNumber('341222', '1999-06-18', 157);

/** The newcomer of the derived-services demo: the ID the look-ups use. */
export const DEMO_NEWCOMER_ID_NUMBER = NEWCOMER;

/**
 * The demo's second story, dated from the day it runs (a record may not lie in the future): a worker from
 * Anhui moved into the employer's dormitory six months ago under an open-ended contract, so his six months of
 * residence are complete today and he applies for his permit.
 */
export function demoNewcomerSubmission(movedInOn: string): {
  submitterId: string;
  what: string;
  records: unknown[];
} {
  return {
    submitterId: 'employer-xihu-tech',
    what: 'the employer reports a new worker in its dormitory and his labour contract',
    records: [
      {
        kind: 'residence-registration',
        sourceId: 'HR-DORM-031',
        data: {
          person: {
            idNumber: NEWCOMER,
            name: '刘洋',
            hukouDivisionCode: '341222',
            educationLevel: 'vocational',
          },
          address: { divisionCode: '330106', detail: '西溪路525号职工宿舍2幢101室' },
          residenceType: '单位集体宿舍',
          reason: '务工',
          movedInOn,
        },
      },
      {
        kind: 'employment',
        sourceId: 'HR-2025-031',
        data: {
          person: { idNumber: NEWCOMER, name: '刘洋' },
          employer: { creditCode: EMPLOYER_CODE, name: '杭州西湖科技有限公司', divisionCode: '330106' },
          contractType: 'open-ended',
          startsOn: movedInOn,
          occupation: '装配工',
        },
      },
    ],
  };
}

/** The newcomer's residence permit, as Xihu's public-security bureau numbers it. */
export const DEMO_PERMIT_NUMBER = 'ZJ3301062026005157';

const NEWCOMER_REF = { idNumber: NEWCOMER, name: '刘洋' };

/** The newcomer's own application through the self-service app (自助申领), on the day he becomes eligible. */
export function demoApplication(submittedOn: string) {
  return {
    submitterId: 'resident-liu-yang',
    what: 'the newcomer applies for his residence permit in the self-service app',
    records: [
      {
        kind: 'permit-application',
        sourceId: 'APP-20260001',
        data: {
          申请人姓名: '刘洋',
          公民身份号码: NEWCOMER,
          申领城市: '杭州市',
          居住地址: '浙江省杭州市西湖区西溪路525号职工宿舍2幢101室',
          申领条件: '合法稳定就业、合法稳定住所',
          申领渠道: '手机申领',
          申领日期: submittedOn,
        },
      },
    ],
  };
}

/** A coordinator files an application door to door for the tenant's wife, whom the rules do not support. */
export function demoCoordinatorApplication(submittedOn: string) {
  return {
    submitterId: 'coordinator-xihu-wenxin',
    what: "a coordinator files an application door to door for the tenant's wife",
    records: [
      {
        kind: 'permit-application',
        sourceId: 'XG-0093',
        data: {
          applicant: { idNumber: SPOUSE, name: '李娜' },
          cityDivisionCode: '330100',
          address: { divisionCode: '330106', detail: '文三路90号3-2-301' },
          claims: ['housing'],
          channel: 'coordinator',
          submittedOn,
        },
      },
    ],
  };
}

/** Xihu's public-security bureau issues the permit the application asked for. */
export function demoPermit(issuedOn: string, endorsedUntil: string, applicationId: string) {
  return {
    submitterId: 'dept-public-security-xihu',
    what: 'public security issues the permit',
    records: [
      {
        kind: 'residence-permit',
        sourceId: 'PSB-XH-5157',
        data: {
          居住证编号: DEMO_PERMIT_NUMBER,
          持证人: NEWCOMER_REF,
          签发机关: '杭州市公安局西湖区分局',
          申领记录编号: applicationId,
          签发日期: issuedOn,
          签注有效期至: endorsedUntil,
          状态: '有效',
        },
      },
    ],
  };
}

/** The citizen card centre links the permit's IC card to his citizen card (市民卡). */
export function demoCardLink(linkedOn: string) {
  return {
    submitterId: 'dept-hrss-hangzhou',
    what: "the citizen card centre links the permit to the newcomer's citizen card",
    records: [
      {
        kind: 'card-link',
        sourceId: 'SMK-2026-77120',
        data: {
          permitNumber: DEMO_PERMIT_NUMBER,
          holder: NEWCOMER_REF,
          cardType: '市民卡',
          cardNumber: 'HZ 0077 1205 51',
          divisionCode: '330100',
          linkedOn,
        },
      },
    ],
  };
}
