/**
 * Journeys (marketing automation and clinic SOPs): the definition of a journey as data, validated here so that the
 * workbench's builder and the BFF agree, and the API contract of journeys, their versions, enrolments, per-step
 * analytics, in-doubt review and SOP templates.
 *
 * A definition is an entry (how customers get in), policies (re-entry, exit events, quiet hours, a frequency cap)
 * and a graph of steps: each step has an id, action steps and waits name their `next` step (null: the journey ends
 * there), a branch names a `yes` and a `no` step. `journeyGraphIssues` checks the graph and points every problem at
 * the step it concerns (the builder shows it on the node).
 *
 * Time: waits, quiet hours, key dates and cron schedules are read in the organisation's time zone.
 */
import { z } from 'zod';
import { ObjectId } from './common';
import { EventType } from './events';
import { TagName } from './profile';
import { EventPropertyKey, PropertyFilter, TagRule } from './tags';
import { SUBSCRIBE_TEMPLATES, SubscribeTemplateKey, subscribeFieldMaxLength } from './subscriptions';

export const JOURNEY_MAX_STEPS = 60;
/** How many steps one enrolment may pass (loops through waits included) before it is parked. */
export const JOURNEY_MAX_PATH = 500;

export const JourneyStepId = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'a step id: a letter, then at most 39 letters, digits, _ or -');
export type JourneyStepId = z.infer<typeof JourneyStepId>;

/** A local time of day, HH:mm (24 h). */
export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:mm');

/** Events of one type, optionally filtered on their properties (the tag rule language's filters). */
export const JourneyEventFilter = z.strictObject({
  event: EventType,
  where: z.array(PropertyFilter).max(10).optional(),
});
export type JourneyEventFilter = z.infer<typeof JourneyEventFilter>;

/** Who a one-off or periodic journey takes in: a saved segment, or a rule of the tag language. */
export const JourneyAudience = z.union([z.strictObject({ segmentId: ObjectId }), z.strictObject({ rule: TagRule })]);
export type JourneyAudience = z.infer<typeof JourneyAudience>;

/** A five-field cron pattern (minute hour day-of-month month day-of-week), read in the organisation's time zone. */
export const CronPattern = z
  .string()
  .trim()
  .regex(/^\S+(\s+\S+){4}$/, 'a cron pattern of five fields: minute hour day-of-month month day-of-week');

/**
 * Where a key date comes from. Missing, empty, malformed and epoch-0 dates (1970-01-01, a common placeholder) never
 * fire.
 *   birthday      — the profile's birthday, every year;
 *   event         — a date in a property of an event (e.g. an appointment's date), or when the event happened
 *                   (`property: null`, e.g. a treatment date for an anniversary);
 *   coupon_expiry — when a claimed coupon (of one template, or any) expires.
 */
export const KeyDateSource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('birthday') }),
  z.strictObject({
    kind: z.literal('event'),
    event: EventType,
    property: EventPropertyKey.nullable(),
    where: z.array(PropertyFilter).max(10).optional(),
  }),
  z.strictObject({ kind: z.literal('coupon_expiry'), templateId: ObjectId.nullable().default(null) }),
]);
export type KeyDateSource = z.infer<typeof KeyDateSource>;

export const JourneyEntry = z.discriminatedUnion('kind', [
  /** Each stored event of the type (matching `where`) enrols its customer. */
  z.strictObject({
    kind: z.literal('triggered'),
    event: EventType,
    where: z.array(PropertyFilter).max(10).optional(),
  }),
  /** The audience as it is at `at` (null: as soon as the journey is enabled) enters once. */
  z.strictObject({
    kind: z.literal('one_off'),
    audience: JourneyAudience,
    at: z.iso.datetime({ offset: true }).nullable().default(null),
  }),
  /** The audience enters at every occurrence of the cron schedule (re-entry policy permitting). */
  z.strictObject({ kind: z.literal('periodic'), audience: JourneyAudience, cron: CronPattern }),
  /**
   * The customer enters `offsetDays` after the key date (negative: before it) at the local time `at`. `yearly`
   * repeats an event date every year (anniversaries); birthdays are always yearly.
   */
  z.strictObject({
    kind: z.literal('key_date'),
    date: KeyDateSource,
    offsetDays: z.number().int().min(-366).max(3660),
    at: LocalTime,
    yearly: z.boolean().default(false),
  }),
]);
export type JourneyEntry = z.infer<typeof JourneyEntry>;
export type JourneyEntryKind = JourneyEntry['kind'];

/**
 * Whether a customer who was in the journey may enter again: never, once `days` have passed since they last entered,
 * or always. A customer is never in the same journey twice at the same time.
 */
export const ReEntryPolicy = z.discriminatedUnion('policy', [
  z.strictObject({ policy: z.literal('never') }),
  z.strictObject({ policy: z.literal('after_days'), days: z.number().int().min(1).max(3650) }),
  z.strictObject({ policy: z.literal('always') }),
]);
export type ReEntryPolicy = z.infer<typeof ReEntryPolicy>;

/** Local hours in which no message reaches a customer: a message due then waits for `end` (may wrap midnight). */
export const QuietHours = z
  .strictObject({ start: LocalTime, end: LocalTime })
  .refine((hours) => hours.start !== hours.end, { message: 'start and end must differ', path: ['end'] });
export type QuietHours = z.infer<typeof QuietHours>;

/**
 * At most `max` marketing messages per customer in any `days` days, counting every journey's messages; a message
 * over the cap is skipped (and the enrolment goes on).
 */
export const FrequencyCap = z.strictObject({
  max: z.number().int().min(1).max(50),
  days: z.number().int().min(1).max(90),
});
export type FrequencyCap = z.infer<typeof FrequencyCap>;

export const WaitDuration = z
  .strictObject({
    days: z.number().int().min(0).max(3650).optional(),
    hours: z.number().int().min(0).max(1000).optional(),
    minutes: z.number().int().min(0).max(100_000).optional(),
  })
  .refine((d) => (d.days ?? 0) + (d.hours ?? 0) + (d.minutes ?? 0) > 0, { message: 'wait for some time' });
export type WaitDuration = z.infer<typeof WaitDuration>;

/** 1 Monday … 7 Sunday (ISO). */
export const Weekday = z.number().int().min(1).max(7);

const stepBase = {
  id: JourneyStepId,
  /** A label for the builder and analytics. */
  name: z.string().trim().max(40).optional(),
};
/** The step after this one; null: the journey ends (completed) after it. */
const next = JourneyStepId.nullable().default(null);
/** Marketing steps need the customer's marketing consent at the moment they run, and count towards the cap. */
const marketing = (defaultValue: boolean) => z.boolean().default(defaultValue);
const TaskPriority = z.enum(['low', 'normal', 'high']);
export const JourneyTaskType = z.enum(['follow_up_call', 'post_treatment_check', 'forward_message', 'moments_post']);
export type JourneyTaskType = z.infer<typeof JourneyTaskType>;
const DueInHours = z.number().min(0).max(720).default(24);

/** Message texts may say {{name}} (the customer's name) and {{journey}} (the journey's name). */
const MessageText = (max: number) => z.string().trim().min(1).max(max);

export const BranchCondition = z.discriminatedUnion('kind', [
  /** A condition of the tag rule language, evaluated for the customer when the branch runs. */
  z.strictObject({ kind: z.literal('rule'), rule: TagRule }),
  /** Whether an event of the type (matching `where`) happened since the customer entered the journey. */
  z.strictObject({
    kind: z.literal('event'),
    event: EventType,
    where: z.array(PropertyFilter).max(10).optional(),
  }),
]);
export type BranchCondition = z.infer<typeof BranchCondition>;

export const WaitStep = z
  .strictObject({
    ...stepBase,
    type: z.literal('wait'),
    next,
    duration: WaitDuration.optional(),
    /** Then on to the next such local time (on one of `weekdays`, if given). */
    until: z.strictObject({ weekdays: z.array(Weekday).min(1).max(7).optional(), time: LocalTime }).optional(),
  })
  .refine((step) => step.duration || step.until, { message: 'a wait needs a duration, an until, or both' });

export const BranchStep = z.strictObject({
  ...stepBase,
  type: z.literal('branch'),
  condition: BranchCondition,
  yes: JourneyStepId.nullable(),
  no: JourneyStepId.nullable(),
});

export const SendSubscribeMessageStep = z
  .strictObject({
    ...stepBase,
    type: z.literal('send_subscribe_message'),
    next,
    /** One of the mini-program's subscribe-message templates; the customer must have allowed it (one credit each). */
    template: SubscribeTemplateKey,
    /** The mini-program page the message opens. */
    page: z
      .string()
      .regex(/^[A-Za-z0-9_-][A-Za-z0-9_./?=&%-]{0,255}$/, 'a mini-program page path')
      .default('pages/index/index'),
    /** Every field of the template (e.g. `thing1`), each a text that may say {{name}} and {{journey}}. */
    data: z.record(z.string().regex(/^[a-z_]+\d+$/, 'a template field like thing1'), MessageText(200)),
    marketing: marketing(true),
  })
  .check((ctx) => {
    for (const issue of subscribeDataIssues(ctx.value.template, ctx.value.data)) {
      ctx.issues.push({ code: 'custom', input: ctx.value, path: issue.path, message: issue.message });
    }
  });

/**
 * What is wrong with a subscribe message's data for its template: fields the template does not have, fields missing,
 * fixed texts longer than the field holds (texts with {{…}} are cut to fit when sent).
 */
export function subscribeDataIssues(
  template: SubscribeTemplateKey,
  data: Record<string, string>,
): { path: (string | number)[]; message: string }[] {
  const fields = SUBSCRIBE_TEMPLATES[template].fields;
  const names = new Set(fields.map((field) => field.name));
  const issues: { path: (string | number)[]; message: string }[] = [];
  for (const [name, text] of Object.entries(data)) {
    if (!names.has(name)) {
      issues.push({
        path: ['data', name],
        message: `the template ${template} has no field ${name} (its fields: ${[...names].join(', ')})`,
      });
      continue;
    }
    const max = subscribeFieldMaxLength(name);
    if (max !== null && !text.includes('{{') && [...text].length > max) {
      issues.push({ path: ['data', name], message: `${name} holds at most ${max} characters` });
    }
  }
  for (const field of fields) {
    if (!Object.hasOwn(data, field.name)) {
      issues.push({ path: ['data', field.name], message: `fill in ${field.name} (${field.label})` });
    }
  }
  return issues;
}

/** WeCom lets only staff message customers: this creates a forward_message task for the customer's owner. */
export const SendWecomMessageStep = z.strictObject({
  ...stepBase,
  type: z.literal('send_wecom_message'),
  next,
  title: z.string().trim().min(1).max(60).default('转发消息'),
  text: MessageText(1000),
  dueInHours: DueInHours,
  marketing: marketing(true),
});

export const SendSmsStep = z.strictObject({
  ...stepBase,
  type: z.literal('send_sms'),
  next,
  /** The SMS provider's approved template and signature. */
  templateCode: z.string().trim().min(1).max(64),
  signName: z.string().trim().min(1).max(32).optional(),
  params: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,29}$/), z.string().max(100)).default({}),
  marketing: marketing(true),
});

export const IssueCouponStep = z.strictObject({
  ...stepBase,
  type: z.literal('issue_coupon'),
  next,
  couponTemplateId: ObjectId,
  marketing: marketing(false),
});

export const TagStep = z.strictObject({
  ...stepBase,
  type: z.enum(['add_tag', 'remove_tag']),
  next,
  tag: TagName,
});

export const CreateTaskStep = z.strictObject({
  ...stepBase,
  type: z.literal('create_task'),
  next,
  taskType: JourneyTaskType.default('follow_up_call'),
  title: z.string().trim().min(1).max(60),
  script: z.string().trim().max(2000).default(''),
  priority: TaskPriority.default('normal'),
  dueInHours: DueInHours,
  /** The customer's owner (default), or a staff member. */
  assigneeStaffId: ObjectId.nullable().default(null),
});

/** Tells a staff member (the owner by default) at once: a high-priority follow_up_call task due now. */
export const NotifyStaffStep = z.strictObject({
  ...stepBase,
  type: z.literal('notify_staff'),
  next,
  staffId: ObjectId.nullable().default(null),
  title: z.string().trim().min(1).max(60),
  text: z.string().trim().max(2000).default(''),
});

export const ExitStep = z.strictObject({ ...stepBase, type: z.literal('exit') });

export const JourneyStep = z.discriminatedUnion('type', [
  WaitStep,
  BranchStep,
  SendSubscribeMessageStep,
  SendWecomMessageStep,
  SendSmsStep,
  IssueCouponStep,
  TagStep,
  CreateTaskStep,
  NotifyStaffStep,
  ExitStep,
]);
export type JourneyStep = z.infer<typeof JourneyStep>;
export type JourneyStepType = JourneyStep['type'];
export const JourneyStepType = z.enum([
  'wait',
  'branch',
  'send_subscribe_message',
  'send_wecom_message',
  'send_sms',
  'issue_coupon',
  'add_tag',
  'remove_tag',
  'create_task',
  'notify_staff',
  'exit',
]);

/** Steps that send to the customer through WeChat or SMS: at most once, never retried after an unknown outcome. */
export const EXTERNAL_MESSAGE_STEPS: readonly JourneyStepType[] = ['send_subscribe_message', 'send_sms'];
/** Steps that reach the customer as a message: quiet hours and the frequency cap apply to them. */
export const MESSAGE_STEPS: readonly JourneyStepType[] = ['send_subscribe_message', 'send_sms', 'send_wecom_message'];

/** The steps a step leads to (its outgoing edges, without nulls). */
export function stepTargets(step: JourneyStep): string[] {
  if (step.type === 'branch') return [step.yes, step.no].filter((id): id is string => id !== null);
  if (step.type === 'exit') return [];
  return step.next ? [step.next] : [];
}

export interface JourneyGraphIssue {
  /** The step the problem is on; null for the journey as a whole. */
  stepId: string | null;
  /** Where in the definition, e.g. ['steps', 2, 'next']. */
  path: (string | number)[];
  message: string;
}

/** Problems of a definition's graph, each pointing at its step: ids, edges, reachability, loops without a wait. */
export function journeyGraphIssues(definition: { start: string; steps: readonly JourneyStep[] }): JourneyGraphIssue[] {
  const issues: JourneyGraphIssue[] = [];
  const byId = new Map<string, JourneyStep>();
  definition.steps.forEach((step, index) => {
    if (byId.has(step.id)) {
      issues.push({
        stepId: step.id,
        path: ['steps', index, 'id'],
        message: `another step already has the id ${step.id}`,
      });
    } else byId.set(step.id, step);
  });
  if (!byId.has(definition.start)) {
    issues.push({ stepId: null, path: ['start'], message: `the start step ${definition.start} does not exist` });
  }
  definition.steps.forEach((step, index) => {
    const edges: [string, string | null][] =
      step.type === 'branch'
        ? [
            ['yes', step.yes],
            ['no', step.no],
          ]
        : step.type === 'exit'
          ? []
          : [['next', step.next]];
    for (const [field, target] of edges) {
      if (target === null) continue;
      if (!byId.has(target)) {
        issues.push({
          stepId: step.id,
          path: ['steps', index, field],
          message: `leads to ${target}, which does not exist`,
        });
      } else if (target === step.id && step.type !== 'wait') {
        issues.push({ stepId: step.id, path: ['steps', index, field], message: 'leads to itself without waiting' });
      }
    }
  });
  // Reachability from the start.
  const reached = new Set<string>();
  const queue = byId.has(definition.start) ? [definition.start] : [];
  while (queue.length) {
    const id = queue.pop()!;
    if (reached.has(id)) continue;
    reached.add(id);
    for (const target of stepTargets(byId.get(id)!)) if (byId.has(target)) queue.push(target);
  }
  definition.steps.forEach((step, index) => {
    if (byId.get(step.id) === step && !reached.has(step.id) && byId.has(definition.start)) {
      issues.push({ stepId: step.id, path: ['steps', index], message: 'cannot be reached from the start' });
    }
  });
  // A loop must pass through a wait (otherwise a customer would run round it at once, forever).
  const state = new Map<string, 'open' | 'done'>();
  const reportedLoop = new Set<string>();
  const visit = (id: string) => {
    state.set(id, 'open');
    const step = byId.get(id)!;
    if (step.type !== 'wait') {
      for (const target of stepTargets(step)) {
        if (!byId.has(target) || target === id) continue;
        if (state.get(target) === 'open') {
          if (!reportedLoop.has(target)) {
            reportedLoop.add(target);
            const index = definition.steps.findIndex((candidate) => candidate.id === target);
            issues.push({ stepId: target, path: ['steps', index], message: 'is on a loop without a wait step' });
          }
        } else if (!state.has(target)) visit(target);
      }
    }
    state.set(id, 'done');
  };
  for (const id of byId.keys()) if (!state.has(id)) visit(id);
  return issues;
}

export const JourneyDefinition = z
  .strictObject({
    entry: JourneyEntry,
    reEntry: ReEntryPolicy.default({ policy: 'never' }),
    /** Events that end the enrolment at once (e.g. appointment.booked ends a no-show recovery). */
    exitOn: z.array(JourneyEventFilter).max(10).default([]),
    quietHours: QuietHours.nullable().default(null),
    frequencyCap: FrequencyCap.nullable().default(null),
    start: JourneyStepId,
    steps: z.array(JourneyStep).min(1).max(JOURNEY_MAX_STEPS),
  })
  .check((ctx) => {
    for (const issue of journeyGraphIssues(ctx.value)) {
      ctx.issues.push({ code: 'custom', input: ctx.value, path: issue.path, message: issue.message });
    }
  })
  .meta({ id: 'JourneyDefinition' });
export type JourneyDefinition = z.infer<typeof JourneyDefinition>;
export type JourneyDefinitionInput = z.input<typeof JourneyDefinition>;

// ---------------------------------------------------------------------------------------------------------------
// Journeys and versions

export const JourneyStatus = z.enum(['draft', 'live', 'paused', 'archived']);
export type JourneyStatus = z.infer<typeof JourneyStatus>;

const JourneyName = z.string().trim().min(1).max(60);
const JourneyDescription = z.string().trim().max(500);

export const JourneyCounts = z.object({
  /** In the journey now (waiting at a step, running, in doubt or paused with the journey). */
  active: z.number().int(),
  completed: z.number().int(),
  exited: z.number().int(),
  /** Stopped on a failing step after every retry (the error is on the enrolment). */
  parked: z.number().int(),
  /** Messages whose sending was interrupted: they wait for a manager's review. */
  inDoubt: z.number().int(),
});
export type JourneyCounts = z.infer<typeof JourneyCounts>;

export const JourneySummary = z
  .object({
    id: ObjectId,
    name: z.string(),
    description: z.string(),
    status: JourneyStatus,
    entryKind: z.enum(['triggered', 'one_off', 'periodic', 'key_date']),
    /** The latest version (what an edit changed last). */
    version: z.number().int(),
    /** The version new customers enter; null before the journey was first enabled. */
    liveVersion: z.number().int().nullable(),
    templateKey: z.string().nullable(),
    counts: JourneyCounts,
    createdBy: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'JourneySummary' });
export type JourneySummary = z.infer<typeof JourneySummary>;

export const Journey = JourneySummary.extend({
  /** The latest version's definition. */
  definition: JourneyDefinition,
  /** When the schedule (one-off, periodic, key-date sweep) next looks for customers; null when it does not. */
  nextRunAt: z.iso.datetime().nullable(),
}).meta({ id: 'Journey' });
export type Journey = z.infer<typeof Journey>;

export const JourneyList = z.object({ items: z.array(JourneySummary) }).meta({ id: 'JourneyList' });

export const CreateJourneyRequest = z.strictObject({
  name: JourneyName,
  description: JourneyDescription.optional(),
  definition: JourneyDefinition,
});
export type CreateJourneyRequest = z.infer<typeof CreateJourneyRequest>;

/**
 * A new definition of a journey that was ever enabled becomes a new version (customers inside stay on theirs); a
 * draft's definition is replaced. `expectedVersion` refuses the edit if someone saved a newer version meanwhile.
 */
export const UpdateJourneyRequest = z.strictObject({
  name: JourneyName.optional(),
  description: JourneyDescription.optional(),
  definition: JourneyDefinition.optional(),
  expectedVersion: z.number().int().min(1).optional(),
});
export type UpdateJourneyRequest = z.infer<typeof UpdateJourneyRequest>;

export const JourneyParams = z.strictObject({ journeyId: ObjectId });
export const JourneyVersionParams = z.strictObject({ journeyId: ObjectId, version: z.coerce.number().int().min(1) });

export const JourneyVersion = z
  .object({
    journeyId: ObjectId,
    version: z.number().int(),
    definition: JourneyDefinition,
    createdBy: z.string().nullable(),
    createdAt: z.iso.datetime(),
    /** Customers in the journey on this version now. */
    active: z.number().int(),
  })
  .meta({ id: 'JourneyVersion' });
export type JourneyVersion = z.infer<typeof JourneyVersion>;
export const JourneyVersionList = z.object({ items: z.array(JourneyVersion) }).meta({ id: 'JourneyVersionList' });

export const ValidateJourneyRequest = z.strictObject({ definition: z.unknown() });
export const JourneyValidation = z
  .object({
    valid: z.boolean(),
    issues: z.array(z.object({ stepId: z.string().nullable(), path: z.string(), message: z.string() })),
  })
  .meta({ id: 'JourneyValidation' });
export type JourneyValidation = z.infer<typeof JourneyValidation>;

// ---------------------------------------------------------------------------------------------------------------
// Enrolments

export const EnrolmentStatus = z.enum(['active', 'completed', 'exited', 'parked']);
export type EnrolmentStatus = z.infer<typeof EnrolmentStatus>;
/** Where an active enrolment is: waiting for its step's time, running it, held (journey paused), in doubt. */
export const EnrolmentState = z.enum(['waiting', 'running', 'held', 'in_doubt', 'ended']);

export const JourneyEnrolment = z
  .object({
    id: ObjectId,
    journeyId: ObjectId,
    journeyName: z.string(),
    version: z.number().int(),
    customerId: ObjectId,
    status: EnrolmentStatus,
    state: EnrolmentState,
    /** The current step (for ended enrolments, the step they ended at). */
    step: z.object({ id: z.string(), name: z.string().nullable(), type: JourneyStepType }).nullable(),
    enteredAt: z.iso.datetime(),
    /** When the current step runs (waiting enrolments). */
    dueAt: z.iso.datetime().nullable(),
    endedAt: z.iso.datetime().nullable(),
    /** completed, exit_step, event:<type>, manual, archived, merged, erased */
    exitReason: z.string().nullable(),
    /** The last failure of the current step (parked enrolments, and retries in progress). */
    error: z.string().nullable(),
  })
  .meta({ id: 'JourneyEnrolment' });
export type JourneyEnrolment = z.infer<typeof JourneyEnrolment>;
export const JourneyEnrolmentList = z.object({ items: z.array(JourneyEnrolment) }).meta({ id: 'JourneyEnrolmentList' });

export const EnrolCustomerRequest = z.strictObject({ customerId: ObjectId });
export const EnrolOutcome = z.enum(['enrolled', 'already_in_journey', 're_entry_not_allowed', 'journey_not_live']);
export type EnrolOutcome = z.infer<typeof EnrolOutcome>;
export const EnrolCustomerResponse = z
  .object({ outcome: EnrolOutcome, enrolment: JourneyEnrolment.nullable() })
  .meta({ id: 'EnrolCustomerResponse' });

export const EnrolmentParams = z.strictObject({ journeyId: ObjectId, enrolmentId: ObjectId });

/**
 * Moves the customers waiting on `fromVersion` to `toVersion` (default: the latest). A step id of the old version
 * that the new one also has maps to itself; `stepMap` maps the others (and may override). Customers at an unmapped
 * step stay on their version. Customers running a step or in doubt are left alone (try again later).
 */
export const MigrateJourneyRequest = z.strictObject({
  fromVersion: z.number().int().min(1),
  toVersion: z.number().int().min(1).optional(),
  stepMap: z.record(JourneyStepId, JourneyStepId).default({}),
});
export type MigrateJourneyRequest = z.infer<typeof MigrateJourneyRequest>;
export const MigrateJourneyResponse = z
  .object({
    migrated: z.number().int(),
    /** Left on the old version: at a step without a mapping, or busy. */
    skipped: z.number().int(),
    /** Old steps that had customers and no mapping. */
    unmappedSteps: z.array(z.string()),
  })
  .meta({ id: 'MigrateJourneyResponse' });

// ---------------------------------------------------------------------------------------------------------------
// Analytics

export const StepCustomerState = z.enum(['waiting', 'passed', 'skipped', 'exited', 'failed']);
export type StepCustomerState = z.infer<typeof StepCustomerState>;

export const JourneyStepStats = z
  .object({
    stepId: z.string(),
    name: z.string().nullable(),
    type: JourneyStepType,
    /** Every arrival at the step (waiting + passed + skipped + exited + failed). */
    entered: z.number().int(),
    /** At the step now: waiting for its time, running, held or in doubt. */
    waiting: z.number().int(),
    /** Ran the step (a branch: either way; a message: sent). */
    passed: z.number().int(),
    /** Went on without its action: no consent, over the frequency cap, no way to reach them, message not sent. */
    skipped: z.number().int(),
    /** Left the journey at this step (an exit event, by hand, archived, merged). */
    exited: z.number().int(),
    /** Parked here after the step failed every retry. */
    failed: z.number().int(),
    /** Branches: how many went each way. */
    branches: z.object({ yes: z.number().int(), no: z.number().int() }).nullable(),
  })
  .meta({ id: 'JourneyStepStats' });
export type JourneyStepStats = z.infer<typeof JourneyStepStats>;

export const JourneyAnalyticsQuery = z.strictObject({ version: z.coerce.number().int().min(1).optional() });
export const JourneyAnalytics = z
  .object({
    journeyId: ObjectId,
    /** The version counted; null: every version (steps of the latest version's graph, plus any older ones). */
    version: z.number().int().nullable(),
    counts: JourneyCounts,
    entered: z.number().int(),
    steps: z.array(JourneyStepStats),
  })
  .meta({ id: 'JourneyAnalytics' });
export type JourneyAnalytics = z.infer<typeof JourneyAnalytics>;

export const JourneyStepParams = z.strictObject({ journeyId: ObjectId, stepId: JourneyStepId });
export const StepCustomersQuery = z.strictObject({
  state: StepCustomerState,
  version: z.coerce.number().int().min(1).optional(),
  cursor: ObjectId.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const StepCustomer = z
  .object({
    customerId: ObjectId,
    name: z.string().nullable(),
    enrolmentId: ObjectId,
    version: z.number().int(),
    /** When they reached this state (arrived, passed, ended). */
    at: z.iso.datetime(),
    /** Skipped and failed: why. */
    detail: z.string().nullable(),
  })
  .meta({ id: 'StepCustomer' });
export type StepCustomer = z.infer<typeof StepCustomer>;
export const StepCustomerPage = z
  .object({ items: z.array(StepCustomer), nextCursor: ObjectId.nullable() })
  .meta({ id: 'StepCustomerPage' });

// ---------------------------------------------------------------------------------------------------------------
// In-doubt review

export const InDoubtExecution = z
  .object({
    id: ObjectId,
    journeyId: ObjectId,
    journeyName: z.string(),
    enrolmentId: ObjectId,
    customerId: ObjectId,
    customerName: z.string().nullable(),
    stepId: z.string(),
    stepType: JourneyStepType,
    /** When the send began (it was interrupted after this). */
    sendingAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'InDoubtExecution' });
export type InDoubtExecution = z.infer<typeof InDoubtExecution>;
export const InDoubtQuery = z.strictObject({ journeyId: ObjectId.optional() });
export const InDoubtList = z.object({ items: z.array(InDoubtExecution) }).meta({ id: 'InDoubtList' });
export const ExecutionParams = z.strictObject({ executionId: ObjectId });
/** What the reviewer found out (e.g. in the provider's console): the customer goes on either way, never re-sent. */
export const ReviewExecutionRequest = z.strictObject({ outcome: z.enum(['sent', 'not_sent']) });

// ---------------------------------------------------------------------------------------------------------------
// SOP templates

export const JourneyTemplateParameter = z.object({
  key: z.string(),
  label: z.string(),
  kind: z.enum(['coupon_template', 'sms_template', 'tag', 'text']),
  required: z.boolean(),
  /** Used when the parameter is not given. */
  default: z.string().nullable(),
});
export type JourneyTemplateParameter = z.infer<typeof JourneyTemplateParameter>;

export const JourneyTemplateKey = z.enum([
  'no_show_recovery',
  'dormant_reactivation',
  'cleaning_6_monthly',
  'coupon_expiring_30d',
  'post_treatment_follow_up',
  'implant_lead_nurturing',
  'referral_champion_care',
  'post_meeting_hcp_follow_up',
]);
export type JourneyTemplateKey = z.infer<typeof JourneyTemplateKey>;

export const JourneyTemplate = z
  .object({
    key: JourneyTemplateKey,
    name: z.string(),
    description: z.string(),
    entryKind: z.enum(['triggered', 'one_off', 'periodic', 'key_date']),
    parameters: z.array(JourneyTemplateParameter),
    /** The steps in order, for the gallery. */
    steps: z.array(z.object({ id: z.string(), type: JourneyStepType, name: z.string().nullable() })),
  })
  .meta({ id: 'JourneyTemplate' });
export type JourneyTemplate = z.infer<typeof JourneyTemplate>;
export const JourneyTemplateList = z.object({ items: z.array(JourneyTemplate) }).meta({ id: 'JourneyTemplateList' });
export const JourneyTemplateParams = z.strictObject({ key: JourneyTemplateKey });
export const CreateJourneyFromTemplateRequest = z.strictObject({
  name: JourneyName.optional(),
  parameters: z.record(z.string(), z.string().trim().max(200)).default({}),
});
export type CreateJourneyFromTemplateRequest = z.infer<typeof CreateJourneyFromTemplateRequest>;
