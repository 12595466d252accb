import { z } from 'zod';
import {
  AddNoteRequest,
  AddTagRequest,
  CreateSegmentRequest,
  CreateTagGroupRequest,
  CreateTagRequest,
  CustomerIdParams,
  CustomerListMembers,
  CustomerListMembersQuery,
  CustomerListParams,
  CustomerNote,
  CustomerNoteList,
  CustomerTagIdParams,
  CustomerTagList,
  MaterialisedList,
  Segment,
  SegmentListResponse,
  SegmentParams,
  SegmentPreview,
  SegmentPreviewRequest,
  TagDefinition,
  TagExplanation,
  TagGroup,
  TagGroupParams,
  TagIdParams,
  TagLibrary,
  TagParams,
  TagRecompute,
  TagRule,
  UpdateSegmentRequest,
  UpdateTagGroupRequest,
  UpdateTagRequest,
} from '@careloop/shared';
import { ALL_STAFF, MANAGERS, type StaffAuth } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { AppError, notFound } from '../http/errors';
import { auditContext, auditStaffAccess, recordAudit } from '../audit/service';
import { getCustomer } from '../identity/service';
import { EXAMPLE_RULES } from './examples';
import { explainTag } from './explain';
import {
  archiveTagDefinition,
  createGroup,
  deleteGroup,
  findTagByName,
  getLibrary,
  getTagDefinition,
  insertTag,
  editTag,
  updateGroup,
} from './library';
import { CustomerTagModel } from './model';
import { addNote, listNotes } from './notes';
import { latestRecompute, requestRecompute, startRecompute } from './recompute';
import {
  createSegment,
  deleteSegment,
  exportSegmentCsv,
  getCustomerList,
  getSegment,
  listMembers,
  listSegments,
  materialiseSegment,
  previewSegment,
  updateSegment,
} from './segments';
import { addTag, customerTags, removeTag, removeTagEverywhere } from './service';

const isManager = (auth: StaffAuth) => auth.roles.some((role) => role === 'admin' || role === 'manager');

/** Whether the caller may put on or take off this tag by hand. */
async function checkManualTag(auth: StaffAuth, name: string) {
  const tag = await findTagByName(auth.organisationId, name);
  if (tag?.kind === 'dynamic') {
    throw new AppError('TAG_NOT_MANUAL', `${name} is set and removed by its rule only`);
  }
  if (tag?.applyBy === 'managers' && !isManager(auth)) {
    throw new AppError('FORBIDDEN', `Only managers put on or take off ${name}`);
  }
}

const ExampleRules = z
  .object({
    items: z.array(z.object({ key: z.string(), name: z.string(), description: z.string(), rule: TagRule })),
  })
  .meta({ id: 'TagRuleExamples' });

export function tagRoutes() {
  const tag = 'tags';
  const recomputeInBackground = async (organisationId: string, tagId: string) => {
    const job = await requestRecompute(organisationId, tagId);
    startRecompute(job.id, (error) => console.error('tag recompute failed', error));
  };
  return [
    // -----------------------------------------------------------------------------------------------------------
    // Tags on a customer
    defineRoute({
      method: 'get',
      path: '/api/staff/customers/:id/tags',
      summary: 'A customer’s tags with their source and library details (audited)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      response: CustomerTagList,
      handler: async ({ auth, params, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        await auditStaffAccess(ctx, auth, 'customer.tags_viewed', customer.id);
        return { items: await customerTags(auth.organisationId, customer.id) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/customers/:id/tags',
      summary: 'Tag a customer by hand (idempotent; the tag is found in or added to the library as a static tag)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      body: AddTagRequest,
      handler: async ({ auth, params, body, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        await checkManualTag(auth, body.name);
        await addTag(auth.organisationId, customer.id, { name: body.name, source: 'manual', setBy: auth.id });
        await auditStaffAccess(ctx, auth, 'customer.tag_added', customer.id, { tag: body.name });
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/staff/customers/:id/tags/:name',
      summary: 'Remove a tag from a customer (not a rule tag: its rule decides)',
      tag,
      access: ALL_STAFF,
      params: TagParams,
      handler: async ({ auth, params, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        await checkManualTag(auth, params.name);
        const row = await CustomerTagModel.exists({
          organisationId: auth.organisationId,
          customerId: customer.id,
          name: params.name,
          source: 'rule',
        });
        if (row) throw new AppError('TAG_NOT_MANUAL', `${params.name} is set and removed by its rule only`);
        if (!(await removeTag(auth.organisationId, customer.id, params.name))) {
          throw new AppError('NOT_FOUND', 'The customer has no such tag');
        }
        await auditStaffAccess(ctx, auth, 'customer.tag_removed', customer.id, { tag: params.name });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customers/:id/tags/:tagId/explain',
      summary: 'Why a tag applies to the customer or not: the rule’s conditions, what each found, the events (audited)',
      tag,
      access: ALL_STAFF,
      params: CustomerTagIdParams,
      response: TagExplanation,
      handler: async ({ auth, params, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        const explanation = await explainTag(auth.organisationId, customer.id, params.tagId);
        await auditStaffAccess(ctx, auth, 'customer.tag_explained', customer.id, { tagId: params.tagId });
        return explanation;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/customers/:id/notes',
      summary: 'Add a note on the customer (on the timeline; chat-keyword rules tag from its text; audited)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      body: AddNoteRequest,
      response: CustomerNote,
      status: 201,
      handler: async ({ auth, params, body, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        const note = await addNote(auth.organisationId, customer.id, auth.id, body.text);
        await auditStaffAccess(ctx, auth, 'customer.note_added', customer.id, {
          note: note.id,
          tagsAdded: note.tagsAdded,
        });
        return note;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customers/:id/notes',
      summary: 'The customer’s notes, newest first (audited)',
      tag,
      access: ALL_STAFF,
      params: CustomerIdParams,
      response: CustomerNoteList,
      handler: async ({ auth, params, ctx }) => {
        const customer = await getCustomer(auth.organisationId, params.id);
        await auditStaffAccess(ctx, auth, 'customer.notes_viewed', customer.id);
        return { items: await listNotes(auth.organisationId, customer.id) };
      },
    }),

    // -----------------------------------------------------------------------------------------------------------
    // The library
    defineRoute({
      method: 'get',
      path: '/api/staff/tags',
      summary: 'The tag library: groups and tags, with how many customers carry each',
      tag,
      access: ALL_STAFF,
      response: TagLibrary,
      handler: ({ auth }) => getLibrary(auth.organisationId),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/tags',
      summary: 'Add a tag to the library; a dynamic tag’s rule is computed for every customer in the background',
      tag,
      access: MANAGERS,
      body: CreateTagRequest,
      response: TagDefinition,
      status: 201,
      handler: async ({ auth, body }) => {
        const created = await insertTag(auth.organisationId, body);
        if (created.kind === 'dynamic') await recomputeInBackground(auth.organisationId, String(created._id));
        return getTagDefinition(auth.organisationId, String(created._id));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/tags/:tagId',
      summary: 'A tag of the library',
      tag,
      access: ALL_STAFF,
      params: TagIdParams,
      response: TagDefinition,
      handler: ({ auth, params }) => getTagDefinition(auth.organisationId, params.tagId),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/staff/tags/:tagId',
      summary: 'Edit a tag (a renamed tag is renamed on customers; a new rule is recomputed in the background)',
      tag,
      access: MANAGERS,
      params: TagIdParams,
      body: UpdateTagRequest,
      response: TagDefinition,
      handler: async ({ auth, params, body }) => {
        const { ruleChanged } = await editTag(auth.organisationId, params.tagId, body);
        if (ruleChanged) await recomputeInBackground(auth.organisationId, params.tagId);
        return getTagDefinition(auth.organisationId, params.tagId);
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/staff/tags/:tagId',
      summary: 'Archive a tag: it leaves the library and every customer (refused while other rules name it)',
      tag,
      access: MANAGERS,
      params: TagIdParams,
      handler: async ({ auth, params }) => {
        await archiveTagDefinition(auth.organisationId, params.tagId);
        await removeTagEverywhere(auth.organisationId, params.tagId);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/tags/:tagId/recompute',
      summary: 'Recompute a dynamic tag for every customer (background; answers the run, whose progress GET shows)',
      tag,
      access: MANAGERS,
      params: TagIdParams,
      response: TagRecompute,
      status: 202,
      handler: async ({ auth, params }) => {
        const definition = await getTagDefinition(auth.organisationId, params.tagId);
        if (definition.kind !== 'dynamic') throw new AppError('TAG_NOT_MANUAL', 'Only dynamic tags are computed');
        const job = await requestRecompute(auth.organisationId, params.tagId);
        startRecompute(job.id, (error) => console.error('tag recompute failed', error));
        return job;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/tags/:tagId/recompute',
      summary: 'The latest recompute of a dynamic tag and its progress',
      tag,
      access: ALL_STAFF,
      params: TagIdParams,
      response: TagRecompute,
      handler: async ({ auth, params }) => {
        const job = await latestRecompute(auth.organisationId, params.tagId);
        if (!job) throw notFound('Recompute');
        return job;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/tag-rules/examples',
      summary: 'Example rules (the five clinic examples) for the rule editor',
      tag,
      access: ALL_STAFF,
      response: ExampleRules,
      handler: async () => ({ items: EXAMPLE_RULES }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/tag-groups',
      summary: 'Add a tag group',
      tag,
      access: MANAGERS,
      body: CreateTagGroupRequest,
      response: TagGroup,
      status: 201,
      handler: ({ auth, body }) => createGroup(auth.organisationId, body),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/staff/tag-groups/:groupId',
      summary: 'Edit a tag group',
      tag,
      access: MANAGERS,
      params: TagGroupParams,
      body: UpdateTagGroupRequest,
      response: TagGroup,
      handler: ({ auth, params, body }) => updateGroup(auth.organisationId, params.groupId, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/staff/tag-groups/:groupId',
      summary: 'Delete a tag group (its tags stay, ungrouped)',
      tag,
      access: MANAGERS,
      params: TagGroupParams,
      handler: ({ auth, params }) => deleteGroup(auth.organisationId, params.groupId),
    }),

    // -----------------------------------------------------------------------------------------------------------
    // Segments
    defineRoute({
      method: 'post',
      path: '/api/staff/segments/preview',
      summary: 'Live count and first page of the customers a rule selects now (segment builder, rule editor)',
      tag: 'segments',
      access: MANAGERS,
      body: SegmentPreviewRequest,
      response: SegmentPreview,
      handler: ({ auth, body }) => previewSegment(auth.organisationId, body.rule, { limit: body.limit }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/segments',
      summary: 'Saved segments',
      tag: 'segments',
      access: ALL_STAFF,
      response: SegmentListResponse,
      handler: async ({ auth }) => ({ items: await listSegments(auth.organisationId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/segments',
      summary: 'Save a segment',
      tag: 'segments',
      access: MANAGERS,
      body: CreateSegmentRequest,
      response: Segment,
      status: 201,
      handler: ({ auth, body }) => createSegment(auth.organisationId, body, auth.id),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/segments/:segmentId',
      summary: 'A saved segment',
      tag: 'segments',
      access: ALL_STAFF,
      params: SegmentParams,
      response: Segment,
      handler: ({ auth, params }) => getSegment(auth.organisationId, params.segmentId),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/staff/segments/:segmentId',
      summary: 'Edit a saved segment',
      tag: 'segments',
      access: MANAGERS,
      params: SegmentParams,
      body: UpdateSegmentRequest,
      response: Segment,
      handler: ({ auth, params, body }) => updateSegment(auth.organisationId, params.segmentId, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/staff/segments/:segmentId',
      summary: 'Delete a saved segment (its materialised lists stay)',
      tag: 'segments',
      access: MANAGERS,
      params: SegmentParams,
      handler: ({ auth, params }) => deleteSegment(auth.organisationId, params.segmentId),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/segments/:segmentId/lists',
      summary: 'Materialise the segment now as a fixed customer list (for journeys and mass sends; audited)',
      tag: 'segments',
      access: MANAGERS,
      params: SegmentParams,
      response: MaterialisedList,
      status: 201,
      handler: async ({ auth, params, ctx }) => {
        const list = await materialiseSegment(auth.organisationId, params.segmentId, auth.id);
        await recordAudit({
          organisationId: auth.organisationId,
          actor: { kind: 'staff', id: auth.id },
          action: 'segment.materialised',
          subject: { kind: 'segment', id: params.segmentId },
          details: { list: list.id, count: list.count },
          ...auditContext(ctx),
        });
        return list;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customer-lists/:listId',
      summary: 'A materialised customer list',
      tag: 'segments',
      access: MANAGERS,
      params: CustomerListParams,
      response: MaterialisedList,
      handler: ({ auth, params }) => getCustomerList(auth.organisationId, params.listId),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/customer-lists/:listId/members',
      summary: 'A page of a materialised list’s customers',
      tag: 'segments',
      access: MANAGERS,
      params: CustomerListParams,
      query: CustomerListMembersQuery,
      response: CustomerListMembers,
      handler: ({ auth, params, query }) => listMembers(auth.organisationId, params.listId, query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/staff/segments/:segmentId/export.csv',
      summary: 'The segment’s customers now, as CSV (audited)',
      tag: 'segments',
      access: MANAGERS,
      params: SegmentParams,
      response: z.string().meta({ description: 'text/csv; UTF-8 with a byte order mark' }),
      handler: async ({ auth, params, ctx }) => {
        const { csv, count } = await exportSegmentCsv(auth.organisationId, params.segmentId);
        await recordAudit({
          organisationId: auth.organisationId,
          actor: { kind: 'staff', id: auth.id },
          action: 'segment.exported',
          subject: { kind: 'segment', id: params.segmentId },
          details: { count },
          ...auditContext(ctx),
        });
        ctx.type = 'text/csv; charset=utf-8';
        ctx.set('content-disposition', `attachment; filename="segment-${params.segmentId}.csv"`);
        return csv;
      },
    }),
  ];
}
