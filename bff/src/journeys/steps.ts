/**
 * What each step does. Internal actions (tags, coupons, tasks) pass the execution key to the domain that carries
 * them out, which answers a repeated call with the first one's result: the engine may run them again after a
 * crash or a timeout and the effect still happens once. External messages (WeChat subscribe messages, SMS) carry no
 * such key: the engine sends them through `sendOnce` (mark `sending`, then call), which never sends twice.
 */
import { subscribeFieldMaxLength, type JourneyDefinition, type JourneyStep } from '@careloop/shared';
import { AppError } from '../http/errors';
import { addTag, removeTag } from '../tags/service';
import { ruleHoldsFor } from '../tags/forJourneys';
import { selectorMatcher } from '../tags/specs';
import { claimCoupon } from '../coupons/service';
import { listTimeline } from '../events/service';
import { customerNames, listIdentities } from '../identity/service';
import { revealPhone } from '../identity/phone';
import { spendSubscriptionCredit } from '../subscriptions/service';
import { subscribeTemplateId } from '../subscriptions/templates';
import { ContactLogModel, type ContactLogDoc } from './model';
import { createTask } from './tasks';
import { clip } from './schedule';
import { journeyRuntime } from './runtime';
import { isDuplicateKey } from '../db/retry';
import { Types } from 'mongoose';

/** The context of one step's run. */
export interface StepContext {
  organisationId: string;
  customerId: string;
  journeyId: string;
  journeyName: string;
  enrolmentId: string;
  enteredAt: Date;
  /** The execution key: the idempotency key of the step's effect. */
  key: string;
  now: Date;
  timeZone: string;
  /** The customer's name and phone number when the engine read them for its whole batch (else read when needed). */
  contact?: { name: string | null; phone: string | null };
}

/** How a step went: `done` goes on (with a branch's way), `skipped` goes on without the action. */
export type StepOutcome =
  | { status: 'done'; outcome: string; result?: Record<string, unknown> }
  | { status: 'skipped'; outcome: string; result?: Record<string, unknown> };

/** A failure that retrying cannot fix: the enrolment is parked at once. */
export class PermanentStepError extends Error {
  override name = 'PermanentStepError';
}

// ---------------------------------------------------------------------------------------------------------------
// Conditions

/** Whether an event of the filter happened since `since` (newest first, page by page until older). */
export async function eventSince(
  context: Pick<StepContext, 'organisationId' | 'customerId'>,
  filters: readonly { event: string; where?: JourneyDefinition['exitOn'][number]['where'] }[],
  since: Date,
): Promise<string | null> {
  if (!filters.length) return null;
  const matchers = filters.map((filter) => ({
    type: filter.event,
    matches: selectorMatcher({ types: [filter.event as never], where: filter.where }),
  }));
  const types = [...new Set(filters.map((filter) => filter.event))];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const timeline = await listTimeline(context.organisationId, context.customerId, { cursor, limit: 100, types });
    for (const item of timeline.items) {
      if (new Date(item.occurredAt) < since) return null;
      const hit = matchers.find((matcher) => matcher.matches(item.type, item.properties));
      if (hit) return hit.type;
    }
    if (!timeline.nextCursor) return null;
    cursor = timeline.nextCursor;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Texts

async function renderer(context: StepContext) {
  let name: string | null | undefined;
  return async (text: string) => {
    if (!text.includes('{{')) return text;
    if (name === undefined) {
      name = context.contact
        ? context.contact.name
        : ((await customerNames(context.organisationId, [context.customerId])).get(context.customerId) ?? null);
    }
    return text.replaceAll('{{name}}', name ?? '您').replaceAll('{{journey}}', context.journeyName);
  };
}

const dueIn = (now: Date, hours: number) => new Date(now.getTime() + hours * 3_600_000);

// ---------------------------------------------------------------------------------------------------------------
// The frequency cap

const CONTACT_KEEP_DAYS = 90;

/**
 * Counts a marketing message against the customer's cap (all journeys): true when it may be sent. A message already
 * counted under the same key (a retry) is allowed again. Optimistic concurrency on the per-customer document, so
 * two journeys messaging the same customer at once cannot both slip under the cap.
 */
export async function takeContactSlot(
  context: Pick<StepContext, 'organisationId' | 'customerId' | 'key' | 'now'>,
  cap: { max: number; days: number } | null,
): Promise<boolean> {
  const filter = {
    organisationId: new Types.ObjectId(context.organisationId),
    customerId: new Types.ObjectId(context.customerId),
  };
  for (let attempt = 0; attempt < 10; attempt++) {
    const doc = await ContactLogModel.findOne(filter).lean<ContactLogDoc>();
    const recent = (doc?.recent ?? []).filter(
      (entry) => entry.at.getTime() > context.now.getTime() - CONTACT_KEEP_DAYS * 86_400_000,
    );
    if (recent.some((entry) => entry.key === context.key)) return true;
    if (cap) {
      const since = context.now.getTime() - cap.days * 86_400_000;
      if (recent.filter((entry) => entry.at.getTime() > since).length >= cap.max) return false;
    }
    const next = [...recent, { at: context.now, key: context.key }];
    if (doc) {
      const result = await ContactLogModel.updateOne(
        { _id: doc._id, v: doc.v },
        { $set: { recent: next }, $inc: { v: 1 } },
      );
      if (result.matchedCount === 1) return true;
    } else {
      try {
        await ContactLogModel.create({ ...filter, recent: next, v: 1 });
        return true;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
  }
  throw new Error('journeys: the contact log kept changing');
}

// ---------------------------------------------------------------------------------------------------------------
// Internal actions

const COUPON_REFUSALS = new Set(['OUT_OF_STOCK', 'LIMIT_REACHED', 'NOT_ELIGIBLE', 'CAMPAIGN_ENDED']);

/** Runs a step that is not an external message (waits, branches, exits and the internal actions). */
export async function runInternalStep(step: JourneyStep, context: StepContext): Promise<StepOutcome> {
  switch (step.type) {
    case 'wait':
      return { status: 'done', outcome: 'waited' };
    case 'exit':
      return { status: 'done', outcome: 'exit' };
    case 'branch': {
      const holds =
        step.condition.kind === 'rule'
          ? await ruleHoldsFor(context.organisationId, context.customerId, step.condition.rule, context.now)
          : (await eventSince(
              context,
              [{ event: step.condition.event, where: step.condition.where }],
              context.enteredAt,
            )) !== null;
      return { status: 'done', outcome: holds ? 'yes' : 'no' };
    }
    case 'add_tag': {
      await addTag(context.organisationId, context.customerId, {
        name: step.tag,
        source: 'manual',
        setBy: `journey:${context.journeyId}`,
      });
      return { status: 'done', outcome: 'tagged' };
    }
    case 'remove_tag': {
      const removed = await removeTag(context.organisationId, context.customerId, step.tag);
      return { status: 'done', outcome: removed ? 'untagged' : 'not_tagged' };
    }
    case 'issue_coupon': {
      try {
        const coupon = await claimCoupon({
          organisationId: context.organisationId,
          templateId: step.couponTemplateId,
          customerId: context.customerId,
          campaignId: null,
          requestId: context.key,
          now: context.now,
        });
        return { status: 'done', outcome: 'issued', result: { couponId: coupon.id } };
      } catch (error) {
        if (error instanceof AppError && COUPON_REFUSALS.has(error.code)) {
          return { status: 'skipped', outcome: error.code.toLowerCase() };
        }
        if (error instanceof AppError && error.code === 'NOT_FOUND') {
          throw new PermanentStepError('The coupon template no longer exists');
        }
        throw error;
      }
    }
    case 'create_task': {
      const task = await createTask({
        organisationId: context.organisationId,
        customerId: context.customerId,
        type: step.taskType,
        title: step.title,
        script: await (await renderer(context))(step.script),
        priority: step.priority,
        dueAt: dueIn(context.now, step.dueInHours),
        assigneeStaffId: step.assigneeStaffId,
        source: { kind: 'journey', journeyId: context.journeyId, enrolmentId: context.enrolmentId, stepId: step.id },
        idempotencyKey: context.key,
      });
      return { status: 'done', outcome: 'task', result: { taskId: task.id } };
    }
    case 'notify_staff': {
      const task = await createTask({
        organisationId: context.organisationId,
        customerId: context.customerId,
        type: 'follow_up_call',
        title: step.title,
        script: await (await renderer(context))(step.text),
        priority: 'high',
        dueAt: context.now,
        assigneeStaffId: step.staffId,
        source: { kind: 'journey', journeyId: context.journeyId, enrolmentId: context.enrolmentId, stepId: step.id },
        idempotencyKey: context.key,
      });
      return { status: 'done', outcome: 'notified', result: { taskId: task.id } };
    }
    case 'send_wecom_message': {
      const task = await createTask({
        organisationId: context.organisationId,
        customerId: context.customerId,
        type: 'forward_message',
        title: step.title,
        script: await (await renderer(context))(step.text),
        priority: 'normal',
        dueAt: dueIn(context.now, step.dueInHours),
        assigneeStaffId: null,
        source: { kind: 'journey', journeyId: context.journeyId, enrolmentId: context.enrolmentId, stepId: step.id },
        idempotencyKey: context.key,
      });
      return { status: 'done', outcome: 'task', result: { taskId: task.id } };
    }
    case 'send_subscribe_message':
    case 'send_sms':
      throw new Error(`${step.type} is an external message: send it with sendOnce`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// External messages

/** A message ready to send, or why there is nothing to send (skipped). */
export type PreparedMessage =
  { send: () => Promise<SendResult>; channel: 'subscribe_message' | 'sms' } | { skip: string };

/** `sent`: delivered; `refused`: definitely not delivered (may be retried); `skip`: not delivered, do not retry. */
export type SendResult =
  | { kind: 'sent'; result: Record<string, unknown> }
  | { kind: 'refused'; error: string }
  | { kind: 'skip'; outcome: string; result?: Record<string, unknown> };

/**
 * Looks up what an external message needs (openid, phone) and builds the call. Nothing is sent here; the call runs
 * after the execution was marked `sending`.
 */
export async function prepareMessage(step: JourneyStep, context: StepContext): Promise<PreparedMessage> {
  const { config, wechat, sms } = journeyRuntime();
  const render = await renderer(context);
  if (step.type === 'send_subscribe_message') {
    const openid = (await listIdentities(context.organisationId, context.customerId)).find(
      (identity) => identity.kind === 'miniapp_openid' && identity.app === config.wechat.appId,
    )?.value;
    if (!openid) return { skip: 'no_openid' };
    // The key names one of the configured templates; one not configured (here) cannot have been allowed.
    const templateId = subscribeTemplateId(config, step.template);
    if (!templateId) return { skip: 'no_template' };
    const data: Record<string, { value: string }> = {};
    for (const [field, text] of Object.entries(step.data)) {
      const value = await render(text);
      const max = subscribeFieldMaxLength(field);
      data[field] = { value: max === null ? value : clip(value, max) };
    }
    return {
      channel: 'subscribe_message',
      send: async () => {
        // A credit spent here and a crash before the call leaves the message in doubt, never sent twice.
        if (!(await spendSubscriptionCredit(context.organisationId, context.customerId, templateId))) {
          return { kind: 'skip', outcome: 'no_credit' };
        }
        const answer = await wechat.sendSubscribeMessage({
          touser: openid,
          templateId,
          page: step.page,
          data,
          miniprogramState: config.wechat.miniprogramState,
        });
        if (answer.errcode === 0) return { kind: 'sent', result: { template: step.template, templateId } };
        if (answer.errcode === 43101)
          return { kind: 'skip', outcome: 'no_credit', result: { errcode: answer.errcode } };
        return { kind: 'refused', error: `WeChat answered ${answer.errcode} ${answer.errmsg}` };
      },
    };
  }
  if (step.type === 'send_sms') {
    let phone: string;
    if (context.contact) {
      if (!context.contact.phone) return { skip: 'no_phone' };
      phone = context.contact.phone;
    } else {
      try {
        phone = (await revealPhone(config, context.organisationId, context.customerId)).phone;
      } catch (error) {
        if (error instanceof AppError && error.code === 'NOT_FOUND') return { skip: 'no_phone' };
        throw error;
      }
    }
    const params: Record<string, string> = {};
    for (const [name, text] of Object.entries(step.params)) params[name] = await render(text);
    return {
      channel: 'sms',
      send: async () => {
        const answer = await sms.send({
          phone,
          templateCode: step.templateCode,
          ...(step.signName ? { signName: step.signName } : {}),
          params,
          outId: context.key,
        });
        if (answer.ok) return { kind: 'sent', result: { provider: sms.name, messageId: answer.messageId } };
        if (answer.code === 'isv.MOBILE_NUMBER_ILLEGAL') return { kind: 'skip', outcome: 'bad_phone' };
        return { kind: 'refused', error: `SMS provider ${sms.name} answered ${answer.code} ${answer.message}` };
      },
    };
  }
  throw new Error(`${step.type} is not an external message`);
}
