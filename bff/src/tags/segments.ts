/**
 * Segments (人群圈选): a rule of the tag language saved with a name. A preview compiles the rule at one `now` into
 * a query on `customer_facts` (compile.ts) and asks the database for the count and the first page; nothing is
 * scanned in the BFF. A segment can be materialised as a fixed customer list (journeys, mass sends) and exported
 * as CSV.
 */
import { Types } from 'mongoose';
import type { MaterialisedList, RuleCondition, Segment, SegmentCustomer, SegmentPreview } from '@careloop/shared';
import { AppError, notFound } from '../http/errors';
import { isDuplicateKey, ignoringDuplicateKeys } from '../db/retry';
import { registerMergeStep } from '../identity/mergeSteps';
import { registerPrivacyContributor } from '../privacy/contributors';
import { customerNames } from '../identity/service';
import { listClinics } from '../organisations/service';
import { staffNamesById } from '../staff/service';
import { ageAt, evaluationContext, type EvaluationContext } from './clock';
import { compileRule } from './compile';
import { ensureRuleFacts } from './facts';
import { checkRule, tagNames } from './library';
import {
  CustomerFactsModel,
  CustomerListMemberModel,
  CustomerListModel,
  SegmentModel,
  type CustomerFactsDoc,
} from './model';
import { ruleSpecs } from './specs';

const oid = (id: string) => new Types.ObjectId(id);
const isId = (id: string) => /^[0-9a-f]{24}$/.test(id);
const FACT_FIELDS = { customerId: 1, a: 1, tags: 1 };

/** Checks the rule, makes sure its facts exist, and answers the query selecting its customers at `now`. */
async function segmentQuery(organisationId: string, rule: RuleCondition, context: EvaluationContext) {
  await checkRule(organisationId, rule, null);
  await ensureRuleFacts(organisationId, ruleSpecs(rule), context.timeZone);
  return { organisationId: oid(organisationId), ...compileRule(rule, context) };
}

async function toCustomers(
  organisationId: string,
  facts: Pick<CustomerFactsDoc, 'customerId' | 'a'>[],
): Promise<SegmentCustomer[]> {
  const names = await customerNames(
    organisationId,
    facts.map((doc) => String(doc.customerId)),
  );
  return facts.map((doc) => {
    const a = doc.a ?? {};
    return {
      id: String(doc.customerId),
      name: names.get(String(doc.customerId)) ?? null,
      kind: (a.kind as SegmentCustomer['kind']) ?? 'patient',
      gender: (a.gender as SegmentCustomer['gender']) ?? null,
      clinicId: (a.clinicId as string | null) ?? null,
      ownerStaffId: (a.ownerStaffId as string | null) ?? null,
    };
  });
}

/** The live count and the first page (newest customers first) of the customers a rule selects now. */
export async function previewSegment(
  organisationId: string,
  rule: RuleCondition,
  options: { limit: number; now?: Date },
): Promise<SegmentPreview> {
  const context = await evaluationContext(organisationId, options.now);
  const query = await segmentQuery(organisationId, rule, context);
  const [count, page] = await Promise.all([
    CustomerFactsModel.countDocuments(query),
    CustomerFactsModel.find(query, FACT_FIELDS)
      .sort({ customerId: -1 })
      .limit(options.limit)
      .lean<CustomerFactsDoc[]>(),
  ]);
  return { count, items: await toCustomers(organisationId, page), evaluatedAt: context.now.toISOString() };
}

// ---------------------------------------------------------------------------------------------------------------
// Saved segments

type SegmentDoc = {
  _id: Types.ObjectId;
  name: string;
  description?: string | null;
  rule: unknown;
  createdBy?: string | null;
  createdAt: Date;
  updatedAt: Date;
};

const toSegment = (doc: SegmentDoc): Segment => ({
  id: String(doc._id),
  name: doc.name,
  description: doc.description ?? '',
  rule: doc.rule as RuleCondition,
  createdBy: doc.createdBy ?? null,
  createdAt: doc.createdAt.toISOString(),
  updatedAt: doc.updatedAt.toISOString(),
});

async function loadSegment(organisationId: string, segmentId: string): Promise<SegmentDoc> {
  const doc = isId(segmentId)
    ? await SegmentModel.findOne({ _id: segmentId, organisationId }).lean<SegmentDoc>()
    : null;
  if (!doc) throw notFound('Segment');
  return doc;
}

const nameTaken = (name: string | undefined) =>
  new AppError('SEGMENT_NAME_TAKEN', `There is already a segment ${name ?? ''}`.trim());

export async function createSegment(
  organisationId: string,
  input: { name: string; description?: string; rule: RuleCondition },
  staffId: string,
): Promise<Segment> {
  const context = await evaluationContext(organisationId);
  await segmentQuery(organisationId, input.rule, context);
  try {
    const doc = await SegmentModel.create({ organisationId, ...input, createdBy: staffId });
    return toSegment(doc.toObject() as SegmentDoc);
  } catch (error) {
    if (isDuplicateKey(error)) throw nameTaken(input.name);
    throw error;
  }
}

export async function listSegments(organisationId: string): Promise<Segment[]> {
  const docs = await SegmentModel.find({ organisationId }).sort({ name: 1 }).lean<SegmentDoc[]>();
  return docs.map(toSegment);
}

export async function getSegment(organisationId: string, segmentId: string): Promise<Segment> {
  return toSegment(await loadSegment(organisationId, segmentId));
}

export async function updateSegment(
  organisationId: string,
  segmentId: string,
  input: { name?: string; description?: string; rule?: RuleCondition },
): Promise<Segment> {
  await loadSegment(organisationId, segmentId);
  if (input.rule) await segmentQuery(organisationId, input.rule, await evaluationContext(organisationId));
  try {
    const doc = await SegmentModel.findOneAndUpdate(
      { _id: segmentId, organisationId },
      { $set: input },
      { returnDocument: 'after' },
    ).lean<SegmentDoc>();
    if (!doc) throw notFound('Segment');
    return toSegment(doc);
  } catch (error) {
    if (isDuplicateKey(error)) throw nameTaken(input.name);
    throw error;
  }
}

export async function deleteSegment(organisationId: string, segmentId: string): Promise<void> {
  await loadSegment(organisationId, segmentId);
  await SegmentModel.deleteOne({ _id: segmentId, organisationId });
}

// ---------------------------------------------------------------------------------------------------------------
// Materialised lists

type ListDoc = {
  _id: Types.ObjectId;
  segmentId: Types.ObjectId;
  name: string;
  status: 'building' | 'ready';
  count: number;
  evaluatedAt: Date;
  createdAt: Date;
};
const toList = (doc: ListDoc): MaterialisedList => ({
  id: String(doc._id),
  segmentId: String(doc.segmentId),
  name: doc.name,
  status: doc.status,
  count: doc.count,
  evaluatedAt: doc.evaluatedAt.toISOString(),
  createdAt: doc.createdAt.toISOString(),
});

const LIST_BATCH = 1000;

/**
 * Freezes the segment's customers at one `now` into a list (for a journey's one-off entry or a mass send). The
 * list's members are rows unique per (list, customer), inserted in batches: building it again after a crash
 * (`materialiseSegment` with the same list) adds nothing twice.
 */
export async function materialiseSegment(
  organisationId: string,
  segmentId: string,
  staffId: string | null,
  now?: Date,
): Promise<MaterialisedList> {
  const segment = await loadSegment(organisationId, segmentId);
  const context = await evaluationContext(organisationId, now);
  const query = await segmentQuery(organisationId, segment.rule as RuleCondition, context);
  const list = await CustomerListModel.create({
    organisationId,
    segmentId: segment._id,
    name: `${segment.name} ${context.now.toISOString().slice(0, 16).replace('T', ' ')}`,
    status: 'building',
    evaluatedAt: context.now,
    createdBy: staffId,
  });
  let batch: Types.ObjectId[] = [];
  const flush = async () => {
    if (!batch.length) return;
    await ignoringDuplicateKeys(
      CustomerListMemberModel.insertMany(
        batch.map((customerId) => ({ listId: list._id, organisationId: oid(organisationId), customerId })),
        { ordered: false },
      ),
    );
    batch = [];
  };
  for await (const doc of CustomerFactsModel.find(query, { customerId: 1 }).lean().cursor({ batchSize: LIST_BATCH })) {
    batch.push((doc as unknown as { customerId: Types.ObjectId }).customerId);
    if (batch.length >= LIST_BATCH) await flush();
  }
  await flush();
  const count = await CustomerListMemberModel.countDocuments({ listId: list._id });
  const ready = await CustomerListModel.findOneAndUpdate(
    { _id: list._id },
    { $set: { status: 'ready', count } },
    { returnDocument: 'after' },
  ).lean<ListDoc>();
  return toList(ready!);
}

export async function getCustomerList(organisationId: string, listId: string): Promise<MaterialisedList> {
  const doc = isId(listId) ? await CustomerListModel.findOne({ _id: listId, organisationId }).lean<ListDoc>() : null;
  if (!doc) throw notFound('Customer list');
  return toList(doc);
}

/** A page of a materialised list's customers, by id (pass `nextCursor` for the next page). */
export async function listMembers(
  organisationId: string,
  listId: string,
  options: { cursor?: string; limit: number },
): Promise<{ items: SegmentCustomer[]; nextCursor: string | null }> {
  await getCustomerList(organisationId, listId);
  const filter: Record<string, unknown> = { listId: oid(listId) };
  if (options.cursor) filter.customerId = { $gt: oid(options.cursor) };
  const members = await CustomerListMemberModel.find(filter, { customerId: 1 })
    .sort({ customerId: 1 })
    .limit(options.limit + 1)
    .lean();
  const page = members.slice(0, options.limit);
  const facts = await CustomerFactsModel.find(
    { organisationId: oid(organisationId), customerId: { $in: page.map((member) => member.customerId) } },
    FACT_FIELDS,
  ).lean<CustomerFactsDoc[]>();
  const byId = new Map(facts.map((doc) => [String(doc.customerId), doc]));
  // A member merged away or erased since keeps its row; it is shown with what is still known.
  const items = await toCustomers(
    organisationId,
    page.map((member) => byId.get(String(member.customerId)) ?? { customerId: member.customerId, a: {} }),
  );
  return {
    items,
    nextCursor: members.length > options.limit ? String(page[page.length - 1]!.customerId) : null,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// CSV

/** One CSV field: quoted when needed; a leading = + - @ is defused so a spreadsheet does not run it. */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The segment's customers now, as CSV (UTF-8 with a byte order mark, so spreadsheets read Chinese names). */
export async function exportSegmentCsv(
  organisationId: string,
  segmentId: string,
  now?: Date,
): Promise<{ csv: string; count: number; name: string }> {
  const segment = await loadSegment(organisationId, segmentId);
  const context = await evaluationContext(organisationId, now);
  const query = await segmentQuery(organisationId, segment.rule as RuleCondition, context);
  const [clinics, tags] = await Promise.all([listClinics(organisationId), tagNames(organisationId)]);
  const clinicNames = new Map(clinics.map((clinic) => [clinic.id, clinic.name]));
  const lines = [['id', 'name', 'kind', 'gender', 'age', 'clinic', 'owner', 'tags'].join(',')];
  let count = 0;
  let batch: CustomerFactsDoc[] = [];
  const flush = async () => {
    const names = await customerNames(
      organisationId,
      batch.map((doc) => String(doc.customerId)),
    );
    const owners = await staffNamesById(organisationId, [
      ...new Set(batch.flatMap((doc) => (doc.a?.ownerStaffId ? [String(doc.a.ownerStaffId)] : []))),
    ]);
    for (const doc of batch) {
      const a = doc.a ?? {};
      lines.push(
        [
          String(doc.customerId),
          names.get(String(doc.customerId)) ?? '',
          a.kind ?? '',
          a.gender ?? '',
          ageAt(a.birthday, context.now, context.timeZone) ?? '',
          a.clinicId ? (clinicNames.get(String(a.clinicId)) ?? '') : '',
          a.ownerStaffId ? (owners.get(String(a.ownerStaffId)) ?? '') : '',
          (doc.tags ?? []).map((id) => tags.get(id) ?? id).join('|'),
        ]
          .map(csvField)
          .join(','),
      );
    }
    count += batch.length;
    batch = [];
  };
  for await (const doc of CustomerFactsModel.find(query, FACT_FIELDS).sort({ customerId: -1 }).lean().cursor()) {
    batch.push(doc as unknown as CustomerFactsDoc);
    if (batch.length >= LIST_BATCH) await flush();
  }
  if (batch.length) await flush();
  return { csv: '\ufeff' + lines.join('\r\n') + '\r\n', count, name: segment.name };
}

// Lists are snapshots; a merge moves the merged profile's memberships to the survivor (once per list).
registerMergeStep({
  name: 'customer-lists',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    const from = { organisationId: oid(organisationId), customerId: oid(fromCustomerId) };
    const rows = await CustomerListMemberModel.find(from).lean();
    if (rows.length) {
      await ignoringDuplicateKeys(
        CustomerListMemberModel.insertMany(
          rows.map((row) => ({
            listId: row.listId,
            organisationId: row.organisationId,
            customerId: oid(intoCustomerId),
          })),
          { ordered: false },
        ),
      );
    }
    await CustomerListMemberModel.deleteMany(from);
  },
});

// An erased customer leaves every list (a list is a plan to contact people).
registerPrivacyContributor({
  name: 'customer-lists',
  exportData: async ({ organisationId, customerId }) => {
    const rows = await CustomerListMemberModel.find({
      organisationId: oid(organisationId),
      customerId: oid(customerId),
    }).lean();
    const lists = await CustomerListModel.find({ _id: { $in: rows.map((row) => row.listId) } }, { name: 1 }).lean();
    return lists.map((list) => ({ list: list.name }));
  },
  erase: async ({ organisationId, customerId }) => {
    await CustomerListMemberModel.deleteMany({ organisationId: oid(organisationId), customerId: oid(customerId) });
  },
});
