/**
 * The tag library, the dynamic tag rule language, explanations and segments: the contract the workbench's rule
 * editor and the BFF share.
 *
 * A rule is data (JSON) made of conditions:
 *   - attribute conditions on the customer's base data (`attribute`, `age`) and tags (`tag`: has / lacks);
 *   - behaviour conditions over the customer's events, each naming the events it looks at with an `EventSelector`
 *     (one or more types, optionally filtered on properties):
 *       `count`   — how many such events in the last N days (or ever), compared with a number;
 *       `last`    — the latest such event is within / older than N days;
 *       `absence` — after the latest `after` event there was no `none` event within K days (or since, if K is
 *                   omitted);
 *   - `all` / `any` / `not` combinations.
 *
 * Time: every evaluation pins one `now` and reads it in the organisation's time zone. "The last N days" are
 * today (local) and the N whole local days before it; "within K days after t" runs to the end of the local day
 * K days after t's local day. So a tag that depends on time changes at a local midnight.
 *
 * Missing and null: a value that is missing or null (an attribute nobody filled in, an event property the event
 * does not carry, a birthday not given) is *unknown*, and every comparison with an unknown value is false — `eq`,
 * `ne`, `in`, `notIn`, `gt` … alike (so `gender ne female` does not match a customer whose gender is unknown;
 * MongoDB's own `$ne` would). Only `exists` and `missing` test for it. `not` is plain negation of its condition's
 * result. A customer with no event of a selector has a count of 0, no `last` event (both `last` operators are
 * false) and no anchor for `absence` (false). `tag` with `has: false` holds for a customer without the tag.
 */
import { z } from 'zod';
import { CustomerKind, ObjectId } from './common';
import { EventType } from './events';
import { Gender, TagName } from './profile';

/** How many latest occurrences the BFF keeps per customer and event selector: counts are exact up to this. */
export const TAG_RECENT_KEEP = 16;
/** Longest window a rule may name, in days. */
export const TAG_RULE_MAX_DAYS = 3660;
/** How deeply `all` / `any` / `not` may nest, and how many conditions one rule may hold in all. */
export const TAG_RULE_MAX_DEPTH = 6;
export const TAG_RULE_MAX_CONDITIONS = 40;

const Days = z.number().int().min(1).max(TAG_RULE_MAX_DAYS);
export const RuleScalar = z.union([z.string().max(200), z.number(), z.boolean()]);
export type RuleScalar = z.infer<typeof RuleScalar>;

export const FilterOp = z.enum(['eq', 'ne', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'exists', 'missing']);
export type FilterOp = z.infer<typeof FilterOp>;

const filterFields = {
  op: FilterOp,
  /** For eq, ne, gt, gte, lt, lte. */
  value: RuleScalar.optional(),
  /** For in, notIn. */
  values: z.array(RuleScalar).min(1).max(50).optional(),
};

function checkFilter(filter: { op: FilterOp; value?: RuleScalar; values?: RuleScalar[] }, ctx: z.RefinementCtx) {
  const needsValue = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'].includes(filter.op);
  const needsValues = filter.op === 'in' || filter.op === 'notIn';
  if (needsValue !== (filter.value !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['value'], message: needsValue ? `${filter.op} needs a value` : 'no value' });
  }
  if (needsValues !== (filter.values !== undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['values'],
      message: needsValues ? `${filter.op} needs values` : 'no values',
    });
  }
  if (['gt', 'gte', 'lt', 'lte'].includes(filter.op) && typeof filter.value === 'boolean') {
    ctx.addIssue({ code: 'custom', path: ['value'], message: 'compare with a number or a text' });
  }
}

/** A property of an event (flat keys only), e.g. `purpose` of `payment.paid`. */
export const EventPropertyKey = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'a property name');
export const PropertyFilter = z.strictObject({ property: EventPropertyKey, ...filterFields }).superRefine(checkFilter);
export type PropertyFilter = z.infer<typeof PropertyFilter>;

/** Which events a behaviour condition looks at: any of `types`, each matching every filter of `where`. */
export const EventSelector = z.strictObject({
  types: z.array(EventType).min(1).max(20),
  where: z.array(PropertyFilter).max(10).optional(),
});
export type EventSelector = z.infer<typeof EventSelector>;

export const AttributeField = z.enum([
  'kind',
  'gender',
  'clinicId',
  'ownerStaffId',
  'hcp.hospital',
  'hcp.department',
  'hcp.title',
  'hcp.verification',
]);
export type AttributeField = z.infer<typeof AttributeField>;

export const AttributeCondition = z
  .strictObject({ type: z.literal('attribute'), field: AttributeField, ...filterFields })
  .superRefine(checkFilter);
export type AttributeCondition = z.infer<typeof AttributeCondition>;

/** Age in whole years from the birthday, in the organisation's time zone; `min` and `max` inclusive. */
export const AgeCondition = z
  .strictObject({
    type: z.literal('age'),
    min: z.number().int().min(0).max(150).optional(),
    max: z.number().int().min(0).max(150).optional(),
  })
  .check((ctx) => {
    const { min, max } = ctx.value;
    if (min === undefined && max === undefined) {
      ctx.issues.push({ code: 'custom', input: ctx.value, path: ['min'], message: 'give min, max or both' });
    }
    if (min !== undefined && max !== undefined && min > max) {
      ctx.issues.push({ code: 'custom', input: ctx.value, path: ['max'], message: 'max is below min' });
    }
  });
export type AgeCondition = z.infer<typeof AgeCondition>;

/** Has (or lacks) a tag of the library. */
export const TagCondition = z.strictObject({ type: z.literal('tag'), tagId: ObjectId, has: z.boolean() });
export type TagCondition = z.infer<typeof TagCondition>;

export const CountOp = z.enum(['gte', 'gt', 'lte', 'lt', 'eq']);
export type CountOp = z.infer<typeof CountOp>;

/** How many of the latest occurrences a count needs to know (`count > 3` needs the 4th latest). */
export function countPositionsNeeded(op: CountOp, value: number): number {
  return op === 'gte' || op === 'lt' ? value : value + 1;
}

/** How many selected events in the last `withinDays` days (or ever, without it), compared with `value`. */
export const CountCondition = z
  .strictObject({
    type: z.literal('count'),
    events: EventSelector,
    withinDays: Days.optional(),
    op: CountOp,
    value: z.number().int().min(0).max(TAG_RECENT_KEEP),
  })
  .check((ctx) => {
    const { op, value } = ctx.value;
    if (countPositionsNeeded(op, value) > TAG_RECENT_KEEP) {
      ctx.issues.push({
        code: 'custom',
        input: value,
        path: ['value'],
        message: `counts are exact up to ${TAG_RECENT_KEEP}: use a smaller number`,
      });
    }
    if (op === 'lt' && value === 0) {
      ctx.issues.push({ code: 'custom', input: value, path: ['value'], message: 'a count is never below 0' });
    }
  });
export type CountCondition = z.infer<typeof CountCondition>;

/** The latest selected event happened within the last `days` days, or before them (false when there is none). */
export const LastCondition = z.strictObject({
  type: z.literal('last'),
  events: EventSelector,
  op: z.enum(['within', 'olderThan']),
  days: Days,
});
export type LastCondition = z.infer<typeof LastCondition>;

/**
 * After the latest `after` event there was no `none` event within `withinDays` days (the condition becomes true
 * once those days are over), or, without `withinDays`, none at all since. False without an `after` event.
 */
export const AbsenceCondition = z.strictObject({
  type: z.literal('absence'),
  after: EventSelector,
  none: EventSelector,
  withinDays: Days.optional(),
});
export type AbsenceCondition = z.infer<typeof AbsenceCondition>;

export type LeafCondition =
  AttributeCondition | AgeCondition | TagCondition | CountCondition | LastCondition | AbsenceCondition;
export type RuleCondition =
  | LeafCondition
  | { type: 'all'; conditions: RuleCondition[] }
  | { type: 'any'; conditions: RuleCondition[] }
  | { type: 'not'; condition: RuleCondition };

const ConditionUnion: z.ZodType<RuleCondition> = z.lazy(() =>
  z.discriminatedUnion('type', [
    AttributeCondition,
    AgeCondition,
    TagCondition,
    CountCondition,
    LastCondition,
    AbsenceCondition,
    z.strictObject({ type: z.literal('all'), conditions: z.array(ConditionUnion).min(1).max(20) }),
    z.strictObject({ type: z.literal('any'), conditions: z.array(ConditionUnion).min(1).max(20) }),
    z.strictObject({ type: z.literal('not'), condition: ConditionUnion }),
  ]),
);

/** Every condition of a rule, depth first (the rule itself first). */
export function ruleConditions(rule: RuleCondition): RuleCondition[] {
  if (rule.type === 'all' || rule.type === 'any') return [rule, ...rule.conditions.flatMap(ruleConditions)];
  if (rule.type === 'not') return [rule, ...ruleConditions(rule.condition)];
  return [rule];
}

function ruleDepth(rule: RuleCondition): number {
  if (rule.type === 'all' || rule.type === 'any') return 1 + Math.max(...rule.conditions.map(ruleDepth));
  if (rule.type === 'not') return 1 + ruleDepth(rule.condition);
  return 1;
}

/** A rule: one condition, usually an `all` or `any` of several. */
export const TagRule = ConditionUnion.check((ctx) => {
  if (ruleDepth(ctx.value) > TAG_RULE_MAX_DEPTH) {
    ctx.issues.push({ code: 'custom', input: ctx.value, message: `nest at most ${TAG_RULE_MAX_DEPTH} levels` });
  }
  if (ruleConditions(ctx.value).length > TAG_RULE_MAX_CONDITIONS) {
    ctx.issues.push({ code: 'custom', input: ctx.value, message: `at most ${TAG_RULE_MAX_CONDITIONS} conditions` });
  }
}).meta({ id: 'TagRule' });

// ---------------------------------------------------------------------------------------------------------------
// The library

export const TagColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour like #1f8a70');
export const TagKind = z.enum(['static', 'dynamic']);
export type TagKind = z.infer<typeof TagKind>;
/** Who may put a static tag on a customer by hand. */
export const TagApplyBy = z.enum(['all_staff', 'managers']);
export type TagApplyBy = z.infer<typeof TagApplyBy>;
export const TagSource = z.enum(['manual', 'rule', 'channel', 'keyword']);
export type TagSource = z.infer<typeof TagSource>;
/** A chat keyword: text containing it (case and width folded) gets the tag. */
export const TagKeyword = z.string().trim().min(1).max(30);

export const TagRecomputeStatus = z.enum(['pending', 'preparing', 'running', 'done', 'failed', 'superseded']);
export const TagRecompute = z
  .object({
    id: ObjectId,
    tagId: ObjectId,
    ruleVersion: z.number().int(),
    status: TagRecomputeStatus,
    /** Customers evaluated so far, of `total` (counted when the run started). */
    processed: z.number().int(),
    total: z.number().int(),
    added: z.number().int(),
    removed: z.number().int(),
    /** The `now` the run evaluates at. */
    evaluatedAt: z.iso.datetime(),
    startedAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'TagRecompute' });
export type TagRecompute = z.infer<typeof TagRecompute>;

export const TagDefinition = z
  .object({
    id: ObjectId,
    groupId: ObjectId.nullable(),
    name: z.string(),
    colour: z.string().nullable(),
    description: z.string(),
    kind: TagKind,
    applyBy: TagApplyBy,
    /** Dynamic tags: the rule that applies and removes the tag. */
    rule: TagRule.nullable(),
    ruleVersion: z.number().int(),
    /** Static tags: chat keywords that apply the tag (source `keyword`). */
    keywords: z.array(z.string()),
    /** Customers who carry the tag now. */
    customers: z.number().int(),
    /** The latest full recompute of a dynamic tag's rule. */
    recompute: TagRecompute.nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'TagDefinition' });
export type TagDefinition = z.infer<typeof TagDefinition>;

export const TagGroup = z
  .object({
    id: ObjectId,
    name: z.string(),
    colour: z.string().nullable(),
    description: z.string(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'TagGroup' });
export type TagGroup = z.infer<typeof TagGroup>;

export const TagLibrary = z
  .object({ groups: z.array(TagGroup), tags: z.array(TagDefinition) })
  .meta({ id: 'TagLibrary' });
export type TagLibrary = z.infer<typeof TagLibrary>;

const GroupName = z.string().trim().min(1).max(30);
const Description = z.string().trim().max(500);

export const CreateTagGroupRequest = z.strictObject({
  name: GroupName,
  colour: TagColour.nullable().optional(),
  description: Description.optional(),
});
export const UpdateTagGroupRequest = CreateTagGroupRequest.partial();
export const TagGroupParams = z.strictObject({ groupId: ObjectId });

const tagFields = {
  name: TagName,
  groupId: ObjectId.nullable().optional(),
  colour: TagColour.nullable().optional(),
  description: Description.optional(),
  applyBy: TagApplyBy.optional(),
  keywords: z.array(TagKeyword).max(50).optional(),
};

export const CreateTagRequest = z
  .strictObject({ ...tagFields, kind: TagKind.default('static'), rule: TagRule.optional() })
  .check((ctx) => {
    const { kind, rule, keywords } = ctx.value;
    if (kind === 'dynamic' && !rule) {
      ctx.issues.push({ code: 'custom', input: rule, path: ['rule'], message: 'a dynamic tag needs a rule' });
    }
    if (kind === 'static' && rule) {
      ctx.issues.push({ code: 'custom', input: rule, path: ['rule'], message: 'only dynamic tags have a rule' });
    }
    if (kind === 'dynamic' && keywords?.length) {
      ctx.issues.push({ code: 'custom', input: keywords, path: ['keywords'], message: 'keywords apply static tags' });
    }
  });
export type CreateTagRequest = z.infer<typeof CreateTagRequest>;

/** Any field; a new `rule` (dynamic tags) starts a full recompute. The kind of a tag does not change. */
export const UpdateTagRequest = z.strictObject({ ...tagFields, rule: TagRule.optional() }).partial();
export type UpdateTagRequest = z.infer<typeof UpdateTagRequest>;

export const TagIdParams = z.strictObject({ tagId: ObjectId });
export const CustomerTagIdParams = z.strictObject({ id: ObjectId, tagId: ObjectId });

/** A tag on a customer, with where it came from. `setBy`: staff id (manual), tag id (rule), campaign id (channel), note id (keyword). */
export const CustomerTag = z
  .object({
    tagId: ObjectId.nullable(),
    name: z.string(),
    kind: TagKind,
    colour: z.string().nullable(),
    groupId: ObjectId.nullable(),
    source: TagSource,
    setBy: z.string().nullable(),
    setAt: z.iso.datetime(),
  })
  .meta({ id: 'CustomerTag' });
export type CustomerTag = z.infer<typeof CustomerTag>;
export const CustomerTagList = z.object({ items: z.array(CustomerTag) }).meta({ id: 'CustomerTagList' });

// ---------------------------------------------------------------------------------------------------------------
// Explanations

export const ExplanationEvent = z.object({
  /** The stored event (GET …/timeline shows it); null when the event is no longer stored. */
  id: z.string().nullable(),
  type: z.string(),
  occurredAt: z.iso.datetime(),
});
export type ExplanationEvent = z.infer<typeof ExplanationEvent>;

export interface ExplanationNode {
  /** The condition's type: attribute, age, tag, count, last, absence, all, any, not. */
  type: string;
  holds: boolean;
  /** What was checked and what was found, in words. */
  text: string;
  /** The value the condition read: an attribute, an age, a count, a date. */
  value?: unknown;
  /** The events that satisfied (or, for `not`/failing conditions, were found by) the condition, newest first. */
  events: ExplanationEvent[];
  /** For absence: the event types that did not happen, and the period checked. */
  missing: { types: string[]; from: string; to: string } | null;
  /** When the result of this condition can change by time alone, if it can. */
  changesAt: string | null;
  children: ExplanationNode[];
}
export const ExplanationNode: z.ZodType<ExplanationNode> = z.lazy(() =>
  z.object({
    type: z.string(),
    holds: z.boolean(),
    text: z.string(),
    value: z.unknown().optional(),
    events: z.array(ExplanationEvent),
    missing: z.object({ types: z.array(z.string()), from: z.iso.datetime(), to: z.iso.datetime() }).nullable(),
    changesAt: z.iso.datetime().nullable(),
    children: z.array(ExplanationNode),
  }),
);

export const TagExplanation = z
  .object({
    tag: z.object({ id: ObjectId, name: z.string(), kind: TagKind }),
    customerId: ObjectId,
    /** Whether the customer carries the tag now, and how it got there. */
    applied: z.boolean(),
    source: TagSource.nullable(),
    setBy: z.string().nullable(),
    setAt: z.iso.datetime().nullable(),
    /** Dynamic tags: the rule evaluated now (null for static tags). */
    holds: z.boolean().nullable(),
    evaluatedAt: z.iso.datetime(),
    timeZone: z.string(),
    /** One sentence, then the condition tree. */
    summary: z.string(),
    conditions: ExplanationNode.nullable(),
    /** When the rule's result can next change by time alone. */
    changesAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'TagExplanation' });
export type TagExplanation = z.infer<typeof TagExplanation>;

// ---------------------------------------------------------------------------------------------------------------
// Segments

export const SegmentCustomer = z
  .object({
    id: ObjectId,
    name: z.string().nullable(),
    kind: CustomerKind,
    gender: Gender.nullable(),
    clinicId: ObjectId.nullable(),
    ownerStaffId: ObjectId.nullable(),
  })
  .meta({ id: 'SegmentCustomer' });
export type SegmentCustomer = z.infer<typeof SegmentCustomer>;

export const SegmentPreviewRequest = z.strictObject({
  rule: TagRule,
  limit: z.number().int().min(1).max(100).default(20),
});
export const SegmentPreview = z
  .object({ count: z.number().int(), items: z.array(SegmentCustomer), evaluatedAt: z.iso.datetime() })
  .meta({ id: 'SegmentPreview' });
export type SegmentPreview = z.infer<typeof SegmentPreview>;

const SegmentName = z.string().trim().min(1).max(40);
export const CreateSegmentRequest = z.strictObject({
  name: SegmentName,
  description: Description.optional(),
  rule: TagRule,
});
export const UpdateSegmentRequest = CreateSegmentRequest.partial();
export const SegmentParams = z.strictObject({ segmentId: ObjectId });

export const Segment = z
  .object({
    id: ObjectId,
    name: z.string(),
    description: z.string(),
    rule: TagRule,
    createdBy: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Segment' });
export type Segment = z.infer<typeof Segment>;
export const SegmentListResponse = z.object({ items: z.array(Segment) }).meta({ id: 'SegmentList' });

/** A segment materialised at one moment as a fixed list of customers (for journeys and mass sends). */
export const MaterialisedList = z
  .object({
    id: ObjectId,
    segmentId: ObjectId,
    name: z.string(),
    status: z.enum(['building', 'ready']),
    count: z.number().int(),
    evaluatedAt: z.iso.datetime(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'MaterialisedList' });
export type MaterialisedList = z.infer<typeof MaterialisedList>;
export const CustomerListParams = z.strictObject({ listId: ObjectId });
export const CustomerListMembersQuery = z.strictObject({
  cursor: ObjectId.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const CustomerListMembers = z
  .object({ items: z.array(SegmentCustomer), nextCursor: ObjectId.nullable() })
  .meta({ id: 'CustomerListMembers' });

// ---------------------------------------------------------------------------------------------------------------
// Notes (the text keyword rules read)

export const AddNoteRequest = z.strictObject({ text: z.string().trim().min(1).max(1000) });
export const CustomerNote = z
  .object({
    id: ObjectId,
    customerId: ObjectId,
    text: z.string(),
    staff: z.object({ id: z.string(), name: z.string().nullable() }),
    /** Tags this note's keywords added (names). */
    tagsAdded: z.array(z.string()),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'CustomerNote' });
export type CustomerNote = z.infer<typeof CustomerNote>;
export const CustomerNoteList = z.object({ items: z.array(CustomerNote) }).meta({ id: 'CustomerNoteList' });

// ---------------------------------------------------------------------------------------------------------------
// WeCom corp-tag sync: library tags mirrored to WeCom corp tags, marked on customers' external contacts

/** Whether a library tag is mirrored to WeCom (turning it on also marks the customers who carry it already). */
export const WecomTagMirrorRequest = z.strictObject({ mirror: z.boolean() });

/** A library tag's WeCom mirror: the corp tag it maps to, once created or found on WeCom. */
export const WecomTagMirror = z
  .object({
    tagId: ObjectId,
    /** The library's name for the tag now. */
    tagName: z.string(),
    mirror: z.boolean(),
    /** The WeCom group it lives (or will live) in: the library group's name, or CareLoop for ungrouped tags. */
    groupName: z.string(),
    wecomGroupId: z.string().nullable(),
    wecomTagId: z.string().nullable(),
    /** The name WeCom has for it, as far as CareLoop knows. */
    wecomTagName: z.string().nullable(),
    /** CareLoop created the WeCom tag (so may rename it); false for one found on WeCom (e.g. made in the console). */
    createdByCareLoop: z.boolean().nullable(),
    /** The customers who already carried the tag when mirroring was turned on have been queued. */
    backfilled: z.boolean(),
    lastError: z.string().nullable(),
  })
  .meta({ id: 'WecomTagMirror' });
export type WecomTagMirror = z.infer<typeof WecomTagMirror>;

/** One mark_tag to send (or sent) for a customer's tag and a staff member who has them as a WeCom contact. */
export const WecomSyncError = z.object({
  customerId: ObjectId,
  tagId: ObjectId,
  tagName: z.string().nullable(),
  staffUserId: z.string(),
  externalUserId: z.string(),
  status: z.enum(['pending', 'failed']),
  attempts: z.number().int(),
  error: z.string(),
  at: z.iso.datetime(),
});

export const WecomSyncStatus = z
  .object({
    mirrors: z.array(WecomTagMirror),
    /** mark_tag work: pending (to send, or retrying), failed (gave up: see lastErrors, then retry), sent, skipped. */
    outbox: z.object({
      pending: z.number().int(),
      failed: z.number().int(),
      sent: z.number().int(),
      skipped: z.number().int(),
    }),
    /** The latest errors of work not yet done, newest first. */
    lastErrors: z.array(WecomSyncError),
  })
  .meta({ id: 'WecomSyncStatus' });
export type WecomSyncStatus = z.infer<typeof WecomSyncStatus>;

export const WecomSyncRetryResult = z.object({ retried: z.number().int() }).meta({ id: 'WecomSyncRetryResult' });

/** What WeCom's customer tag library holds, and which of it CareLoop created (the rest it reads, never changes). */
export const WecomCorpTagList = z
  .object({
    groups: z.array(
      z.object({
        groupId: z.string(),
        groupName: z.string(),
        order: z.number(),
        createdAt: z.iso.datetime().nullable(),
        createdByCareLoop: z.boolean(),
        tags: z.array(
          z.object({
            id: z.string(),
            name: z.string(),
            order: z.number(),
            createdAt: z.iso.datetime().nullable(),
            createdByCareLoop: z.boolean(),
            /** The library tag mirrored to it, if any. */
            libraryTagId: ObjectId.nullable(),
          }),
        ),
      }),
    ),
  })
  .meta({ id: 'WecomCorpTagList' });
export type WecomCorpTagList = z.infer<typeof WecomCorpTagList>;
