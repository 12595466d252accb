/**
 * The demo organisation's follow-up tasks: the consultants' sidebars open with one overdue, one due today and one due
 * tomorrow, assigned as a journey would (to the member who added the customer on WeCom). Seeded once (fixed keys).
 */
import { DateTime } from 'luxon';
import { findCustomerByExternalUserId } from '../identity/service';
import { createTask } from './service';

export async function seedDemoTasks(
  organisationId: string,
  corpId: string,
  managerStaffId: string,
  timeZone: string,
): Promise<void> {
  const today = DateTime.now().setZone(timeZone).startOf('day');
  const demo = [
    {
      externalUserId: 'wmDemoSunLei',
      type: 'post_treatment_check' as const,
      title: '洗牙后 7 天回访',
      script: '您好，我是微笑齿科的张伟。洗牙后一周了，牙龈还有出血或敏感吗？需要的话可以帮您约复查。',
      priority: 'high' as const,
      dueAt: today.minus({ days: 1 }).set({ hour: 10 }),
    },
    {
      externalUserId: 'wmDemoZhaoMin',
      type: 'follow_up_call' as const,
      title: '种植咨询后电话回访',
      script: '您好，上次种植咨询的方案您考虑得怎么样了？有疑问可以随时约医生再面诊。',
      priority: 'normal' as const,
      dueAt: today.set({ hour: 17 }),
    },
    {
      externalUserId: 'wmDemoDrWu',
      type: 'forward_message' as const,
      title: '转发学术会议邀请',
      script: '吴主任您好，下月的口腔种植学术沙龙已开放报名，诚邀您参加。',
      priority: 'normal' as const,
      dueAt: today.plus({ days: 1 }).set({ hour: 11 }),
    },
  ];
  for (const task of demo) {
    const customer = await findCustomerByExternalUserId(organisationId, corpId, task.externalUserId);
    await createTask({
      organisationId,
      customerId: customer.id,
      type: task.type,
      title: task.title,
      script: task.script,
      priority: task.priority,
      dueAt: task.dueAt.toJSDate(),
      assigneeStaffId: null,
      source: { kind: 'staff', staffId: managerStaffId },
      idempotencyKey: `demo:${task.externalUserId}`,
    });
  }
}
