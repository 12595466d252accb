/** Demo meetings: an approved and published academic meeting for HCPs, and a patient event awaiting approval. */
import { DateTime } from 'luxon';
import { createMeeting, decideMeeting, publishMeeting, submitMeeting } from './workflow';

export async function seedDemoMeetings(
  organisationId: string,
  staff: { creatorId: string; approverId: string },
  timeZone: string,
) {
  const creator = { id: staff.creatorId, roles: ['staff'] as const };
  const approver = { id: staff.approverId, roles: ['admin', 'manager'] as const };
  const at = (days: number, time: string) => {
    const [hour, minute] = time.split(':').map(Number);
    return DateTime.now().setZone(timeZone).plus({ days }).set({ hour, minute, second: 0, millisecond: 0 }).toISO()!;
  };
  const academic = await createMeeting(organisationId, creator, {
    title: '种植修复新进展学术沙龙',
    description: '面向口腔修复与种植专业医生的学术交流会。仅限认证医疗专业人士报名。',
    audience: 'hcp',
    startsAt: at(7, '14:00'),
    endsAt: at(7, '17:00'),
    venue: { name: '静安旗舰店 三楼会议室', address: '上海市静安区南京西路 1266 号' },
    onlineUrl: null,
    agenda: [
      { time: '14:00', topic: '签到与开场', speaker: '' },
      { time: '14:30', topic: '数字化种植导板的临床应用', speaker: '吴建国' },
      { time: '15:30', topic: '即刻负重的适应证与风险', speaker: '陈杰' },
      { time: '16:30', topic: '病例讨论', speaker: '' },
    ],
    speakers: [
      { name: '吴建国', title: '主任医师', hospital: '上海市第九人民医院' },
      { name: '陈杰', title: '主治医师', hospital: '微笑齿科' },
    ],
    survey: [
      { id: 'q1', kind: 'rating', text: '您对本次会议内容的总体评价', required: true },
      {
        id: 'q2',
        kind: 'single',
        text: '会议内容对您临床工作的帮助',
        required: true,
        options: ['很有帮助', '有一定帮助', '帮助不大'],
      },
      {
        id: 'q3',
        kind: 'multiple',
        text: '您希望下次会议讨论的主题',
        required: false,
        options: ['数字化种植', '骨增量', '美学修复', '并发症处理'],
        maxChoices: null,
      },
      { id: 'q4', kind: 'text', text: '其他建议', required: false, maxLength: 500 },
    ],
    capacity: 30,
    waitlistLimit: 20,
    signUpDeadline: at(6, '18:00'),
    checkInOpensMinutesBefore: 60,
    checkInClosesMinutesAfterEnd: 0,
    surveyOpenDays: 14,
    feeFen: 0,
  });
  await submitMeeting(organisationId, creator, String(academic._id));
  await decideMeeting(organisationId, approver, String(academic._id), {
    decision: 'approved',
    reason: '讲者资质与议程已核对',
    version: academic.version,
  });
  await publishMeeting(organisationId, creator, String(academic._id));

  const patientEvent = await createMeeting(organisationId, creator, {
    title: '儿童口腔健康亲子讲座',
    description: '儿童刷牙方法、窝沟封闭与涂氟，现场提供免费口腔检查。',
    audience: 'patient',
    startsAt: at(10, '10:00'),
    endsAt: at(10, '11:30'),
    venue: { name: '浦东分院 候诊大厅', address: '上海市浦东新区世纪大道 88 号' },
    onlineUrl: null,
    agenda: [{ time: '10:00', topic: '儿童口腔护理讲座', speaker: '陈杰' }],
    speakers: [{ name: '陈杰', title: '主治医师', hospital: '微笑齿科' }],
    survey: [],
    capacity: 20,
    waitlistLimit: 10,
    signUpDeadline: null,
    checkInOpensMinutesBefore: 30,
    checkInClosesMinutesAfterEnd: 0,
    surveyOpenDays: 14,
    feeFen: 0,
  });
  await submitMeeting(organisationId, creator, String(patientEvent._id));
}
