import { z } from 'zod';
import { calendarDate, freeText, pastOrTodayDate, schoolStage } from '../values/index.ts';
import { defineKind, endedOnFact } from './common/kind.ts';
import { field, PERSON_LABELS, SCHOOL_LABELS, school, student } from './common/parts.ts';
import { notBefore } from './common/rules.ts';

const { idNumber, name, phone, gender, birthDate } = PERSON_LABELS;

/**
 * 就读: a migrant child or student attends a school. Enrolment may be planned (a coming term); leaving not.
 *
 * @example
 * { "student": { "idNumber": "330106201003071231", "name": "张小明" },
 *   "school": { "name": "杭州市文三街小学", "divisionCode": "330106" },
 *   "stage": "primary", "grade": "三年级", "enrolledOn": "2016-09-01" }
 */
export const schooling = defineKind({
  kind: 'schooling',
  aliases: {
    student: {
      labels: ['学生', '学生信息'],
      fields: { idNumber, name, phone, gender, birthDate },
      flatPrefixes: ['', '学生'],
    },
    school: {
      labels: ['学校', '就读学校'],
      fields: SCHOOL_LABELS,
      flatPrefixes: ['学校', '就读学校'],
      textField: 'name',
    },
    stage: ['学段', '就读学段', '教育阶段'],
    grade: ['年级', '就读年级'],
    enrolledOn: ['入学日期', '入学时间'],
    leftOn: ['离校日期', '毕业日期', '转出日期'],
  },
  fields: z.strictObject({
    student: field(student, 'The pupil or student.', '学生。'),
    school: field(school, 'The school: its name as text, or its parts.', '就读学校。'),
    stage: field(schoolStage, 'The stage of education.', '学段。'),
    grade: field(freeText(32), 'The grade or year.', '年级。').optional(),
    enrolledOn: field(calendarDate, 'The day of enrolment.', '入学日期。'),
    leftOn: field(pastOrTodayDate, 'The day the student left or graduated.', '离校日期。').optional(),
  }),
  rules: [notBefore('leftOn', 'enrolledOn')],
  facts: (record) => ({
    naturalKey: [record.school.creditCode ?? record.school.name, record.enrolledOn],
    personIdNumber: record.student.idNumber,
    divisionCode: record.school.divisionCode,
    ...endedOnFact(record.leftOn),
  }),
});

export type Schooling = z.output<typeof schooling.schema>;
