/**
 * The tag library, rule language, explanation and segment contracts as the WeCom app uses them: types only, inferred
 * from the schemas in `@careloop/shared` (type-only imports, so the page carries no schema code).
 */
import type {
  CreateSegmentRequest as CreateSegmentRequestSchema,
  CreateTagGroupRequest as CreateTagGroupRequestSchema,
  CreateTagRequest as CreateTagRequestSchema,
  RuleCondition,
  SegmentCustomer,
  TagRecompute,
  UpdateSegmentRequest as UpdateSegmentRequestSchema,
  UpdateTagGroupRequest as UpdateTagGroupRequestSchema,
  UpdateTagRequest as UpdateTagRequestSchema,
} from '@careloop/shared';
import type { z } from 'zod';

export type {
  AttributeField,
  CountOp,
  CustomerNote,
  CustomerTag,
  EventSelector,
  ExplanationEvent,
  ExplanationNode,
  FilterOp,
  LeafCondition,
  MaterialisedList,
  PropertyFilter,
  RuleCondition,
  RuleScalar,
  Segment,
  SegmentCustomer,
  SegmentPreview,
  TagApplyBy,
  TagDefinition,
  TagExplanation,
  TagGroup,
  TagKind,
  TagLibrary,
  TagRecompute,
  TagSource,
} from '@careloop/shared';

export type TagRecomputeStatus = TagRecompute['status'];
/** What the page sends (defaults filled by the server may be left out). */
export type CreateTagRequest = z.input<typeof CreateTagRequestSchema>;
export type UpdateTagRequest = z.input<typeof UpdateTagRequestSchema>;
export type CreateTagGroupRequest = z.input<typeof CreateTagGroupRequestSchema>;
export type UpdateTagGroupRequest = z.input<typeof UpdateTagGroupRequestSchema>;
export type CreateSegmentRequest = z.input<typeof CreateSegmentRequestSchema>;
export type UpdateSegmentRequest = z.input<typeof UpdateSegmentRequestSchema>;

/** A shipped example rule (`GET /api/staff/tag-rules/examples`: the five clinic examples of PRODUCT.md). */
export interface ExampleRule {
  key: string;
  name: string;
  description: string;
  rule: RuleCondition;
}

export interface CustomerListMembers {
  items: SegmentCustomer[];
  nextCursor: string | null;
}
