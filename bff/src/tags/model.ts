import mongoose, { Schema, type Types } from 'mongoose';

/**
 * A tag on a customer, with where it came from. `name` stays the key (routes, the sidebar and other domains name
 * tags), `tagId` is the library tag it stands for (every tag added by name is found in, or created in, the
 * library). `setBy`: the staff id for manual tags, the tag id for rule tags, the campaign id for channel tags,
 * the note id for keyword tags.
 */
const customerTagSchema = new Schema({
  organisationId: { type: Schema.Types.ObjectId, required: true },
  customerId: { type: Schema.Types.ObjectId, required: true },
  name: { type: String, required: true },
  tagId: { type: Schema.Types.ObjectId, default: null },
  source: { type: String, enum: ['manual', 'rule', 'channel', 'keyword'], required: true },
  setBy: { type: String, default: null },
  setAt: { type: Date, required: true },
});
customerTagSchema.index({ organisationId: 1, customerId: 1, name: 1 }, { unique: true });
customerTagSchema.index({ organisationId: 1, name: 1 });
customerTagSchema.index({ organisationId: 1, tagId: 1 });

export const CustomerTagModel = mongoose.model('CustomerTag', customerTagSchema, 'customer_tags');

/** A group of the library (e.g. 意向 Intent, 生命周期 Lifecycle). */
const tagGroupSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    colour: { type: String, default: null },
    description: { type: String, default: '' },
  },
  { timestamps: true },
);
tagGroupSchema.index({ organisationId: 1, name: 1 }, { unique: true });
export const TagGroupModel = mongoose.model('TagGroup', tagGroupSchema, 'tag_groups');

/**
 * A tag of the library. Static tags are put on by staff, channels, journeys and chat keywords; dynamic tags by
 * their rule only. `ruleVersion` grows with every rule edit; `readyVersion` is the version whose facts are
 * prepared (after which events evaluate it incrementally). An archived tag keeps its row (and name) but is gone
 * from every customer and from the library's answers.
 */
const tagDefinitionSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    groupId: { type: Schema.Types.ObjectId, default: null },
    name: { type: String, required: true },
    colour: { type: String, default: null },
    description: { type: String, default: '' },
    kind: { type: String, enum: ['static', 'dynamic'], required: true },
    applyBy: { type: String, enum: ['all_staff', 'managers'], default: 'all_staff' },
    rule: { type: Schema.Types.Mixed, default: null },
    ruleVersion: { type: Number, default: 0 },
    readyVersion: { type: Number, default: -1 },
    keywords: { type: [String], default: [] },
    archivedAt: { type: Date, default: null },
  },
  { timestamps: true, minimize: false },
);
tagDefinitionSchema.index({ organisationId: 1, name: 1 }, { unique: true });
tagDefinitionSchema.index({ organisationId: 1, kind: 1 });
export const TagDefinitionModel = mongoose.model('TagDefinition', tagDefinitionSchema, 'tag_definitions');

export interface TagDefinitionDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  groupId: Types.ObjectId | null;
  name: string;
  colour: string | null;
  description: string;
  kind: 'static' | 'dynamic';
  applyBy: 'all_staff' | 'managers';
  rule: unknown;
  ruleVersion: number;
  readyVersion: number;
  keywords: string[];
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * What the rules read about one customer, in one document, kept up to date as events and attribute changes
 * arrive (facts.ts):
 *   a    — the base data rules look at (kind, gender, birthday, clinic, owner, HCP fields);
 *   tags — the library ids of the customer's tags;
 *   s    — per event stream (a type, or a registered selector), the latest occurrences, newest first, at most
 *          TAG_RECENT_KEEP: `{ r: [{ a: occurredAt, e: event id }] }`. Counts in a window are read by position
 *          (`r.2.a` within the window ⇔ at least 3), so they fall back to zero by themselves as time passes;
 *   x    — per registered absence: `{ t: latest anchor, f: first follow-up after it, c: no follow-up in the window }`;
 *   v    — bumped by every change: writers update conditionally on it (optimistic concurrency).
 */
const customerFactsSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    v: { type: Number, required: true },
    a: { type: Schema.Types.Mixed, default: {} },
    /** The customer's updatedAt that `a` was read at: an older read never overwrites a newer one. */
    au: { type: Date, default: null },
    tags: { type: [String], default: [] },
    s: { type: Schema.Types.Mixed, default: {} },
    x: { type: Schema.Types.Mixed, default: {} },
    builtAt: { type: Date, default: null },
  },
  { minimize: false, versionKey: false },
);
customerFactsSchema.index({ organisationId: 1, customerId: 1 }, { unique: true });
// Exactly the fields of every conditional write ({_id, v}): MongoDB serves it by _id anyway, while
// mongo-java-server (the embedded fallback) uses an index only for a query on exactly its fields.
customerFactsSchema.index({ _id: 1, v: 1 }, { unique: true });
// Segments filter on these most (MongoDB: a COLLSCAN of 100k small documents stays well under the 2 s budget for
// the rest; behaviour paths are dynamic, so they are not indexed one by one).
customerFactsSchema.index({ organisationId: 1, tags: 1 });
customerFactsSchema.index({ organisationId: 1, 'a.kind': 1, 'a.clinicId': 1 });
export const CustomerFactsModel = mongoose.model('CustomerFacts', customerFactsSchema, 'customer_facts');

export interface StreamEntry {
  a: Date;
  e: string;
}
export interface AbsenceFact {
  t: Date;
  f: Date | null;
  c: boolean;
}
export interface CustomerFactsDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  customerId: Types.ObjectId;
  v: number;
  a: Record<string, unknown>;
  au: Date | null;
  tags: string[];
  s: Record<string, { r: StreamEntry[] }>;
  x: Record<string, AbsenceFact>;
  builtAt: Date | null;
}

/**
 * The event selectors and absences an organisation's rules and segments use beyond plain event types: facts keep
 * a stream for each. `readyAt` is set once the stream was filled from the stored events; `key` is a hash of the
 * spec, so the same selector used twice is one stream. The `base` row (kind 'base') records that the plain
 * per-type streams and attributes were built for the organisation's existing customers.
 */
const factSpecSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    key: { type: String, required: true },
    kind: { type: String, enum: ['base', 'stream', 'absence'], required: true },
    spec: { type: Schema.Types.Mixed, default: null },
    readyAt: { type: Date, default: null },
  },
  { timestamps: true, minimize: false },
);
factSpecSchema.index({ organisationId: 1, key: 1 }, { unique: true });
export const FactSpecModel = mongoose.model('TagFactSpec', factSpecSchema, 'tag_fact_specs');

/**
 * The result of one dynamic tag's rule for one customer, kept only for customers the rule holds for or whose
 * result can change by time (`nextCheckAt`, which the sweep visits). `seq` counts transitions: the transition
 * that sets `holds` claims number seq+1, which names its tag.added / tag.removed event, so a retried transition
 * records nothing twice. `applied` is false between claiming a transition and carrying out its effects (the
 * sweep finishes such transitions). `v` and `at` are the facts version and `now` it was evaluated at: an
 * evaluation on older facts never overwrites a newer one. `rev` changes with every write, which is conditional
 * on the `rev` read (compare-and-set).
 */
const ruleStateSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    tagId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    holds: { type: Boolean, required: true },
    seq: { type: Number, required: true },
    applied: { type: Boolean, required: true },
    ruleVersion: { type: Number, required: true },
    v: { type: Number, required: true },
    at: { type: Date, required: true },
    nextCheckAt: { type: Date, default: null },
    rev: { type: Number, required: true },
  },
  { versionKey: false },
);
ruleStateSchema.index({ tagId: 1, customerId: 1 }, { unique: true });
ruleStateSchema.index({ _id: 1, rev: 1 }, { unique: true }); // the compare-and-set's exact fields (see facts)
ruleStateSchema.index({ nextCheckAt: 1 });
ruleStateSchema.index({ organisationId: 1, customerId: 1 });
export const RuleStateModel = mongoose.model('TagRuleState', ruleStateSchema, 'tag_rule_states');

export interface RuleStateDoc {
  _id: Types.ObjectId;
  organisationId: Types.ObjectId;
  tagId: Types.ObjectId;
  customerId: Types.ObjectId;
  holds: boolean;
  seq: number;
  applied: boolean;
  ruleVersion: number;
  v: number;
  at: Date;
  nextCheckAt: Date | null;
  rev: number;
}

/**
 * A full recompute of one rule version for the organisation, in batches of customers by id. The run holding the
 * lease advances `cursor` (the last customer id done) conditionally, so a restart resumes after it and a second
 * run at the same time cannot advance it too. Unique per (tag, rule version): asking twice is one run.
 */
const recomputeSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    tagId: { type: Schema.Types.ObjectId, required: true },
    ruleVersion: { type: Number, required: true },
    status: {
      type: String,
      enum: ['pending', 'preparing', 'running', 'done', 'failed', 'superseded'],
      required: true,
    },
    now: { type: Date, required: true },
    cursor: { type: Schema.Types.ObjectId, default: null },
    processed: { type: Number, default: 0 },
    total: { type: Number, default: 0 },
    added: { type: Number, default: 0 },
    removed: { type: Number, default: 0 },
    leaseOwner: { type: String, default: null },
    leaseUntil: { type: Date, default: null },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date, default: null },
    error: { type: String, default: null },
  },
  { versionKey: false },
);
recomputeSchema.index({ tagId: 1, ruleVersion: 1 }, { unique: true });
recomputeSchema.index({ status: 1 });
export const RecomputeModel = mongoose.model('TagRecompute', recomputeSchema, 'tag_recomputes');

/** A saved segment: a rule of the same language, with a name. */
const segmentSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    description: { type: String, default: '' },
    rule: { type: Schema.Types.Mixed, required: true },
    createdBy: { type: String, default: null },
  },
  { timestamps: true, minimize: false },
);
segmentSchema.index({ organisationId: 1, name: 1 }, { unique: true });
export const SegmentModel = mongoose.model('Segment', segmentSchema, 'segments');

/** A segment materialised as a fixed list at one moment; its members are rows of `customer_list_members`. */
const customerListSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    segmentId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    status: { type: String, enum: ['building', 'ready'], required: true },
    count: { type: Number, default: 0 },
    evaluatedAt: { type: Date, required: true },
    createdBy: { type: String, default: null },
  },
  { timestamps: true },
);
customerListSchema.index({ organisationId: 1, segmentId: 1, createdAt: -1 });
export const CustomerListModel = mongoose.model('SegmentCustomerList', customerListSchema, 'customer_lists');

const customerListMemberSchema = new Schema(
  {
    listId: { type: Schema.Types.ObjectId, required: true },
    organisationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
  },
  { versionKey: false },
);
customerListMemberSchema.index({ listId: 1, customerId: 1 }, { unique: true });
customerListMemberSchema.index({ organisationId: 1, customerId: 1 });
export const CustomerListMemberModel = mongoose.model(
  'SegmentCustomerListMember',
  customerListMemberSchema,
  'customer_list_members',
);

/** A staff member's note on a customer (the sidebar); chat-keyword rules read its text. */
const customerNoteSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, required: true },
    customerId: { type: Schema.Types.ObjectId, required: true },
    staffId: { type: String, required: true },
    text: { type: String, required: true },
    tagsAdded: { type: [String], default: [] },
  },
  { timestamps: true },
);
customerNoteSchema.index({ organisationId: 1, customerId: 1, createdAt: -1 });
export const CustomerNoteModel = mongoose.model('CustomerNote', customerNoteSchema, 'customer_notes');
