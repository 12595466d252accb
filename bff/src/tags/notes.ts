/**
 * Staff notes on a customer (the sidebar) and chat-keyword tags: a static tag with keywords is put on the customer
 * (source `keyword`) when text that reaches the BFF contains one of them — a note now, the WeCom chat archive
 * later (`applyKeywordTags` is the entry point for any text). Matching folds case and width (NFKC), so
 * 「种植」 in “想了解种植牙” and “IMPLANT” in “interested in implants” both match.
 */
import { Types } from 'mongoose';
import type { CustomerNote } from '@careloop/shared';
import { recordEvent } from '../events/service';
import { registerMergeStep } from '../identity/mergeSteps';
import { registerPrivacyContributor } from '../privacy/contributors';
import { staffNamesById } from '../staff/service';
import { CustomerNoteModel, TagDefinitionModel } from './model';
import { addTag } from './service';

const oid = (id: string) => new Types.ObjectId(id);
const fold = (text: string) => text.normalize('NFKC').toLowerCase();

/** The static tags whose keywords `text` contains, by name. */
export async function keywordTagsFor(organisationId: string, text: string): Promise<string[]> {
  const tags = await TagDefinitionModel.find(
    { organisationId, kind: 'static', archivedAt: null, 'keywords.0': { $exists: true } },
    { name: 1, keywords: 1 },
  ).lean();
  const folded = fold(text);
  return tags
    .filter((tag) => tag.keywords.some((keyword) => keyword && folded.includes(fold(keyword))))
    .map((tag) => tag.name)
    .sort();
}

/**
 * Tags the customer by the keyword rules matching `text`; answers the tags added now. `setBy` names where the
 * text came from (a note id, a chat message id).
 */
export async function applyKeywordTags(
  organisationId: string,
  customerId: string,
  text: string,
  setBy: string,
): Promise<string[]> {
  const added: string[] = [];
  for (const name of await keywordTagsFor(organisationId, text)) {
    if (await addTag(organisationId, customerId, { name, source: 'keyword', setBy })) added.push(name);
  }
  return added;
}

type NoteDoc = {
  _id: Types.ObjectId;
  customerId: Types.ObjectId;
  staffId: string;
  text: string;
  tagsAdded: string[];
  createdAt: Date;
};

async function toNotes(organisationId: string, docs: NoteDoc[]): Promise<CustomerNote[]> {
  const names = await staffNamesById(organisationId, [...new Set(docs.map((doc) => doc.staffId))]);
  return docs.map((doc) => ({
    id: String(doc._id),
    customerId: String(doc.customerId),
    text: doc.text,
    staff: { id: doc.staffId, name: names.get(doc.staffId) ?? null },
    tagsAdded: doc.tagsAdded ?? [],
    createdAt: doc.createdAt.toISOString(),
  }));
}

/** Stores a staff member's note, puts it on the timeline (note.added) and applies the keyword rules to it. */
export async function addNote(
  organisationId: string,
  customerId: string,
  staffId: string,
  text: string,
): Promise<CustomerNote> {
  const note = await CustomerNoteModel.create({ organisationId, customerId, staffId, text });
  const noteId = String(note._id);
  await recordEvent({
    organisationId,
    customerId,
    type: 'note.added',
    occurredAt: note.createdAt,
    properties: { noteId, text },
    source: 'server',
    sourceEventId: `note:${noteId}`,
    actor: staffId,
  });
  const tagsAdded = await applyKeywordTags(organisationId, customerId, text, noteId);
  if (tagsAdded.length) await CustomerNoteModel.updateOne({ _id: note._id }, { $set: { tagsAdded } });
  return (await toNotes(organisationId, [{ ...(note.toObject() as unknown as NoteDoc), tagsAdded }]))[0]!;
}

export async function listNotes(organisationId: string, customerId: string, limit = 50): Promise<CustomerNote[]> {
  const docs = await CustomerNoteModel.find({ organisationId, customerId })
    .sort({ createdAt: -1, _id: -1 })
    .limit(limit)
    .lean<NoteDoc[]>();
  return toNotes(organisationId, docs);
}

registerMergeStep({
  name: 'notes',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    await CustomerNoteModel.updateMany(
      { organisationId: oid(organisationId), customerId: oid(fromCustomerId) },
      { $set: { customerId: oid(intoCustomerId) } },
    );
  },
});

registerPrivacyContributor({
  name: 'notes',
  exportData: async ({ organisationId, customerId }) =>
    (await listNotes(organisationId, customerId, 1000)).map((note) => ({ text: note.text, at: note.createdAt })),
  // The note stays (who wrote one, when) without its text.
  erase: async ({ organisationId, customerId }) => {
    await CustomerNoteModel.updateMany(
      { organisationId: oid(organisationId), customerId: oid(customerId) },
      { $set: { text: '', tagsAdded: [] } },
    );
  },
});
