/**
 * The demo organisation `npm start` shows on a fresh database: a dental chain with two clinics, a manager,
 * two consultants, a front desk, a dentist, some patients and an HCP. Seeded once, through the domain services.
 */
import type { Logger } from 'pino';
import type { Config } from '@careloop/config';
import type { StaffRole } from '@careloop/shared';
import { createClinic, createOrganisation, findOrganisationByPlatform } from '../organisations/service';
import { createStaff } from '../staff/service';
import { createCustomer } from '../identity/service';
import { recordExternalContact } from '../identity/wecomContacts';
import { updateCustomerBaseData } from '../identity/profile';
import { createService } from '../appointments/catalog';
import { createScheduleTemplate } from '../appointments/schedule';
import { addExternalContact, addWecomMember } from '../platform/sandbox/service';
import { AppError } from '../http/errors';
import { isDuplicateKey } from '../db/retry';
import { seedDemoTags } from '../tags/demo';
import { seedDemoMeetings } from '../meetings/demo';
import { seedDemoContent } from '../content/demo';
import { createCouponTemplate } from '../coupons/service';
import { ensureDefaultChannels, listChannels } from '../campaigns/channels';
import { insertCampaign } from '../campaigns/service';
import { seedDemoTasks } from '../tasks/demo';

export const DEMO_STAFF: { userid: string; name: string; position: string; roles: StaffRole[]; clinic: 0 | 1 }[] = [
  { userid: 'lina', name: '李娜', position: '店长', roles: ['admin', 'manager'], clinic: 0 },
  { userid: 'zhangwei', name: '张伟', position: '咨询师', roles: ['staff'], clinic: 0 },
  { userid: 'wangfang', name: '王芳', position: '咨询师', roles: ['staff'], clinic: 1 },
  { userid: 'liuyang', name: '刘洋', position: '前台', roles: ['staff'], clinic: 0 },
  { userid: 'chenjie', name: '陈杰', position: '牙医', roles: ['staff'], clinic: 0 },
];

async function demoExists(config: Config): Promise<boolean> {
  try {
    await findOrganisationByPlatform({ miniappAppId: config.wechat.appId });
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === 'NOT_FOUND') return false;
    throw error;
  }
}

export async function seedDemoOrganisation(config: Config, logger: Logger): Promise<void> {
  if (await demoExists(config)) return;
  let organisation;
  try {
    organisation = await createOrganisation({
      name: '微笑齿科',
      miniappAppId: config.wechat.appId,
      wecomCorpId: config.wecom.corpId,
      timeZone: 'Asia/Shanghai',
    });
  } catch (error) {
    if (isDuplicateKey(error)) return; // another instance is seeding
    throw error;
  }
  const clinics = [
    await createClinic(organisation.id, { name: '静安旗舰店', address: '上海市静安区南京西路 1266 号' }),
    await createClinic(organisation.id, { name: '浦东分院', address: '上海市浦东新区世纪大道 88 号' }),
  ];
  const staffIds = new Map<string, string>();
  for (const member of DEMO_STAFF) {
    const created = await createStaff({
      organisationId: organisation.id,
      wecomUserId: member.userid,
      name: member.name,
      position: member.position,
      roles: member.roles,
      clinicIds: [clinics[member.clinic]!.id],
    });
    staffIds.set(member.userid, created.id);
    if (config.sandbox) await addWecomMember(config.wecom.corpId, { userid: member.userid, name: member.name });
  }
  // Patients who added a consultant on WeCom: in the sandbox WeCom knows them, and CareLoop links them as it
  // would after a sync. (With real WeCom the demo has no external contacts.)
  const wecomPatients = [
    { externalUserId: 'wmDemoZhaoMin', name: '赵敏', userid: 'zhangwei', kind: 'patient' as const },
    { externalUserId: 'wmDemoSunLei', name: '孙磊', userid: 'zhangwei', kind: 'patient' as const },
    { externalUserId: 'wmDemoDrWu', name: '吴建国 医生', userid: 'wangfang', kind: 'hcp' as const },
  ];
  for (const patient of wecomPatients) {
    if (config.sandbox) await addExternalContact(config.wecom.corpId, patient);
    const customerId = await recordExternalContact(organisation.id, config.wecom.corpId, {
      externalUserId: patient.externalUserId,
      name: patient.name,
      type: 1,
      unionid: null,
      follows: [{ userid: patient.userid, addedAt: new Date(), state: null }],
    });
    if (patient.kind === 'hcp') {
      await updateCustomerBaseData(config, organisation.id, customerId, {
        kind: 'hcp',
        hcp: { hospital: '上海市第九人民医院', department: '口腔修复科', title: '主任医师' },
      });
    }
  }
  await createCustomer({ organisationId: organisation.id, kind: 'patient', name: '周婷', identities: [] });

  // What patients can book: a cleaning without deposit, an implant consultation with a ¥100 deposit (full
  // refund when cancelled a day ahead, half later), with the dentist every day at the flagship clinic.
  const cleaning = await createService(organisation.id, {
    name: '洗牙',
    description: '超声波洁牙与抛光',
    durationMinutes: 30,
    depositFen: 0,
    fullRefundHoursBefore: 24,
    lateRefundPercent: 0,
    clinicIds: [],
  });
  const implant = await createService(organisation.id, {
    name: '种植咨询',
    description: '医生面诊与方案，需付定金',
    durationMinutes: 30,
    depositFen: 10_000,
    fullRefundHoursBefore: 24,
    lateRefundPercent: 50,
    clinicIds: [],
  });
  for (let weekday = 1; weekday <= 7; weekday += 1) {
    for (const [startTime, endTime] of [
      ['09:00', '12:00'],
      ['14:00', '17:30'],
    ] as const) {
      await createScheduleTemplate(organisation.id, {
        clinicId: clinics[0]!.id,
        doctorStaffId: staffIds.get('chenjie')!,
        serviceIds: [cleaning.id, implant.id],
        weekday,
        startTime,
        endTime,
        slotMinutes: 30,
        capacity: 1,
      });
    }
  }
  // The channel list, and a poster campaign for the cleaning coupon (its codes are generated by the
  // campaign-codes job once the server answers: the sandbox is this server).
  await ensureDefaultChannels(organisation.id);
  const poster = (await listChannels(organisation.id)).find((channel) => channel.kind === 'poster')!;
  const coupon = await createCouponTemplate(
    organisation.id,
    {
      name: '洗牙立减 50 元',
      description: '首次洗牙可用，每人限领 1 张',
      kind: 'amount_off',
      amountOffFen: 5_000,
      percentOff: null,
      giftDescription: null,
      minSpendFen: 0,
      serviceIds: [cleaning.id],
      clinicIds: [],
      validity: { type: 'days_after_claim', days: 30 },
      totalStock: 500,
      perPersonLimit: 1,
      eligibility: { type: 'all' },
      stackable: false,
    },
    staffIds.get('lina')!,
  );
  await insertCampaign(organisation.id, staffIds.get('lina')!, {
    name: '静安店门口海报',
    channelId: poster.id,
    staffId: staffIds.get('zhangwei')!,
    couponTemplateId: coupon.id,
    tagNames: ['海报引流'],
    landing: {
      title: '洗牙立减 50 元',
      description: '微笑齿科静安旗舰店，超声波洁牙与抛光。领券后预约，到店出示券码即可使用。',
      imageUrl: null,
    },
    welcomeText: '您好，我是微笑齿科的咨询师张伟，送您一张洗牙立减 50 元券，点击下方卡片领取并预约。',
    startsAt: new Date().toISOString(),
    endsAt: null,
    costFen: 30_000,
    codes: { miniProgram: true, contactMe: true },
  });
  // Patient education in a few categories, a video, and an academic article for verified HCPs only.
  await seedDemoContent(organisation.id, { author: staffIds.get('zhangwei')!, reviewer: staffIds.get('lina')! });
  await seedDemoMeetings(
    organisation.id,
    { creatorId: staffIds.get('zhangwei')!, approverId: staffIds.get('lina')! },
    organisation.timeZone,
  );
  // The tag library: intent tags chat keywords apply, and example dynamic tags.
  await seedDemoTags(organisation.id);
  // Follow-up tasks in the consultants' sidebars: overdue, due today, due tomorrow.
  await seedDemoTasks(organisation.id, config.wecom.corpId, staffIds.get('lina')!, organisation.timeZone);
  logger.info({ organisation: organisation.name }, 'seeded the demo organisation');
}
