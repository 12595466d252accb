/** The organisation's channel list: where QR codes are shown. Campaigns belong to one channel. */
import { Types } from 'mongoose';
import type { Channel, ChannelKind } from '@careloop/shared';
import { AppError, notFound } from '../http/errors';
import { isDuplicateKey } from '../db/retry';
import { ChannelModel } from './model';

/** The channels a new organisation starts with (also the demo's). */
export const DEFAULT_CHANNELS: { name: string; kind: ChannelKind; description: string }[] = [
  { name: '海报 Poster', kind: 'poster', description: '诊所海报、易拉宝、宣传单上的二维码' },
  { name: '医生推荐 Doctor referral', kind: 'doctor_referral', description: '医生或老客户推荐' },
  { name: '活动 Event', kind: 'event', description: '义诊、社区活动、展会' },
  { name: '广告平台 Ad platform', kind: 'ad_platform', description: '朋友圈广告、点评、小红书等投放' },
  { name: '员工名片 Staff card', kind: 'staff_card', description: '咨询师的名片与个人活码' },
];

type ChannelDoc = { _id: unknown; name: string; kind: string; description?: string | null; archived?: boolean };

export function toChannel(doc: ChannelDoc): Channel {
  return {
    id: String(doc._id),
    name: doc.name,
    kind: doc.kind as ChannelKind,
    description: doc.description ?? '',
    archived: doc.archived ?? false,
  };
}

const nameTaken = (name: string) =>
  new AppError('VALIDATION_FAILED', 'Invalid body', [
    { in: 'body', path: 'name', code: 'duplicate', message: `A channel named ${name} already exists` },
  ]);

export async function listChannels(organisationId: string): Promise<Channel[]> {
  const docs = await ChannelModel.find({ organisationId }).sort({ archived: 1, createdAt: 1, _id: 1 }).lean();
  return docs.map(toChannel);
}

export async function getChannel(organisationId: string, channelId: string): Promise<Channel> {
  const doc = Types.ObjectId.isValid(channelId)
    ? await ChannelModel.findOne({ _id: channelId, organisationId }).lean()
    : null;
  if (!doc) throw notFound('Channel');
  return toChannel(doc);
}

export async function createChannel(
  organisationId: string,
  input: { name: string; kind: ChannelKind; description: string },
): Promise<Channel> {
  try {
    return toChannel((await ChannelModel.create({ organisationId, ...input, archived: false })).toObject());
  } catch (error) {
    if (isDuplicateKey(error)) throw nameTaken(input.name);
    throw error;
  }
}

export async function updateChannel(
  organisationId: string,
  channelId: string,
  input: { name?: string; description?: string; archived?: boolean },
): Promise<Channel> {
  try {
    const doc = await ChannelModel.findOneAndUpdate(
      { _id: channelId, organisationId },
      { $set: input },
      { returnDocument: 'after' },
    ).lean();
    if (!doc) throw notFound('Channel');
    return toChannel(doc);
  } catch (error) {
    if (isDuplicateKey(error)) throw nameTaken(input.name ?? '');
    throw error;
  }
}

/** Creates the default channels an organisation lacks (idempotent: existing names are kept). */
export async function ensureDefaultChannels(organisationId: string): Promise<void> {
  for (const channel of DEFAULT_CHANNELS) {
    await ChannelModel.updateOne(
      { organisationId: new Types.ObjectId(organisationId), name: channel.name },
      { $setOnInsert: { kind: channel.kind, description: channel.description, archived: false } },
      { upsert: true },
    ).catch((error: unknown) => {
      if (!isDuplicateKey(error)) throw error;
    });
  }
}

/** Names and kinds of channels by id (for views). */
export async function channelsById(organisationId: string, ids: string[]) {
  const docs = await ChannelModel.find({ organisationId, _id: { $in: ids } }).lean();
  return new Map(docs.map((doc) => [String(doc._id), toChannel(doc)]));
}
