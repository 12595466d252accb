/** What the 360° header shows, computed from the one `/profile` answer. */
import type { ConsentState, Customer360 } from '@careloop/shared';
import { eventLabel, IDENTITY_KIND_LABELS, type NameOf } from './eventLabels';
import { formatDateTime } from './format';

export type Gender = NonNullable<Customer360['customer']['gender']>;
export type ActivityLevel = Customer360['activity']['level'];
export type HcpVerification = NonNullable<Customer360['customer']['hcp']>['verification'];
export type TagSource = Customer360['tags'][number]['source'];

export const GENDER_LABELS: Record<Gender, string> = { female: '女', male: '男', other: '其他' };

export const ACTIVITY_LABELS: Record<ActivityLevel, { label: string; hint: string }> = {
  new: { label: '新客户 New', hint: '7 天内新建档案' },
  active: { label: '活跃 Active', hint: '30 天内有互动' },
  quiet: { label: '沉默 Quiet', hint: '30 天以上无互动' },
  dormant: { label: '休眠 Dormant', hint: '一年以上无互动' },
};

export const HCP_VERIFICATION_LABELS: Record<HcpVerification, string> = {
  unverified: '待认证 Unverified',
  verified: '已认证 Verified',
  rejected: '认证未通过 Rejected',
};

export const TAG_SOURCE_LABELS: Record<TagSource, string> = {
  manual: '手动',
  rule: '规则',
  channel: '渠道',
  keyword: '关键词',
};

const DUPLICATE_REASONS: Record<string, string> = {
  same_phone: '同一手机号',
};

export function duplicateReasonLabel(reason: string): string {
  return DUPLICATE_REASONS[reason] ?? reason;
}

export interface IdentityBadge {
  /** Stable key: the identity kind, or `phone_verified`. */
  key: string;
  label: string;
  /** The details behind it, for a tooltip. */
  title: string;
}

const BADGE_ORDER = ['miniapp_openid', 'oa_openid', 'wecom_external_userid', 'phone_verified', 'unionid'];

/**
 * One badge per kind of identity the customer has (小程序 / 公众号 / 企业微信 / UnionID), and 手机已验证 when WeChat
 * verified the phone. A phone only typed in gives no badge (the header shows it as unverified).
 */
export function identityBadges(profile: Pick<Customer360, 'identities' | 'followers' | 'customer'>): IdentityBadge[] {
  const byKind = new Map<string, string[]>();
  for (const identity of profile.identities) {
    if (identity.kind === 'phone') continue;
    const lines = byKind.get(identity.kind) ?? [];
    lines.push(`${identity.display}（${formatDateTime(identity.linkedAt)} 关联）`);
    byKind.set(identity.kind, lines);
  }
  const badges: IdentityBadge[] = [];
  for (const [kind, lines] of byKind) {
    let title = lines.join('\n');
    if (kind === 'wecom_external_userid' && profile.followers.length) {
      title += `\n已添加的员工：${profile.followers.map((f) => f.name ?? f.wecomUserId).join('、')}`;
    }
    badges.push({ key: kind, label: IDENTITY_KIND_LABELS[kind] ?? kind, title });
  }
  if (profile.customer.phone?.verified) {
    badges.push({
      key: 'phone_verified',
      label: '手机已验证',
      title: `微信验证的手机号 ${profile.customer.phone.masked}`,
    });
  }
  const rank = (key: string) => (BADGE_ORDER.includes(key) ? BADGE_ORDER.indexOf(key) : BADGE_ORDER.length);
  return badges.sort((a, b) => rank(a.key) - rank(b.key));
}

/** The tag's source and who set it when: `手动 · 张伟 · 2026-03-05 09:05`. */
export function tagProvenance(tag: Customer360['tags'][number]): string {
  const who = tag.setBy ? (tag.setBy.name ?? '员工') : tag.source === 'manual' ? '员工' : '系统';
  return [TAG_SOURCE_LABELS[tag.source] ?? tag.source, who, formatDateTime(tag.setAt)].filter(Boolean).join(' · ');
}

export type MarketingState = 'granted' | 'withdrawn' | 'not_asked';

export interface ConsentSummary {
  marketing: MarketingState;
  marketingLabel: string;
  /** When and where it last changed, e.g. `2026-03-05 09:05 · 小程序`. */
  marketingDetail: string;
  policyLabel: string;
  /** Staff can record that the customer asked to stop (not when it is already stopped). */
  canWithdraw: boolean;
}

const CHANNEL_LABELS: Record<string, string> = {
  miniapp: '小程序',
  official_account: '公众号',
  sidebar: '侧边栏',
  workbench: '工作台',
  api: '接口',
};

export function consentSummary(consent: ConsentState): ConsentSummary {
  const marketing: MarketingState = consent.marketing
    ? consent.marketing.granted
      ? 'granted'
      : 'withdrawn'
    : 'not_asked';
  const marketingLabel = {
    granted: '已同意接收营销信息',
    withdrawn: '已停止营销',
    not_asked: '未询问营销授权',
  }[marketing];
  const marketingDetail = consent.marketing
    ? `${formatDateTime(consent.marketing.changedAt)} · ${CHANNEL_LABELS[consent.marketing.channel] ?? consent.marketing.channel}`
    : '';
  const policyLabel = consent.policy
    ? `隐私政策 ${consent.policy.version} 已同意${consent.policyUpToDate ? '' : `（当前版本 ${consent.currentPolicyVersion}，待重新确认）`}`
    : '未同意隐私政策';
  return { marketing, marketingLabel, marketingDetail, policyLabel, canWithdraw: marketing !== 'withdrawn' };
}

/** The most frequent event types of the last year: `[{type, label, count}]`, at most `limit`. */
export function topCounters(counters: Record<string, number>, limit = 4) {
  return Object.entries(counters)
    .filter(([, count]) => count > 0)
    .sort(([typeA, a], [typeB, b]) => b - a || typeA.localeCompare(typeB))
    .slice(0, limit)
    .map(([type, count]) => ({ type, label: eventLabel(type), count }));
}

/** Names of the staff the profile mentions (owner, tag setters, WeCom followers by userid) and the signed-in one. */
export function staffNameLookup(
  profile: Pick<Customer360, 'owner' | 'tags' | 'followers'> | null,
  me: { id: string; name: string; wecomUserId?: string } | null,
): NameOf {
  const names = new Map<string, string>();
  if (profile?.owner) names.set(profile.owner.id, profile.owner.name);
  for (const tag of profile?.tags ?? []) if (tag.setBy?.name) names.set(tag.setBy.id, tag.setBy.name);
  for (const follower of profile?.followers ?? []) if (follower.name) names.set(follower.wecomUserId, follower.name);
  if (me) {
    names.set(me.id, me.name);
    if (me.wecomUserId) names.set(me.wecomUserId, me.name);
  }
  return (id) => names.get(id) ?? null;
}

/**
 * `nameOf` with the names a timeline page brought (`staffNames`: the staff its events name, e.g. the manager who
 * added a note), so `由 李娜` shows for someone the profile does not mention; the page's names come first.
 */
export function withStaffNames(nameOf: NameOf, staffNames: Readonly<Record<string, string>> | undefined): NameOf {
  if (!staffNames) return nameOf;
  return (id) => (Object.hasOwn(staffNames, id) ? staffNames[id]! : nameOf(id));
}

/* Local updates after a change the server confirmed, so the header need not be fetched again. */

export function withTagAdded(
  profile: Customer360,
  name: string,
  by: { id: string; name: string },
  at: Date = new Date(),
): Customer360 {
  if (profile.tags.some((tag) => tag.name === name)) return profile;
  return {
    ...profile,
    tags: [...profile.tags, { name, source: 'manual', setBy: { id: by.id, name: by.name }, setAt: at.toISOString() }],
  };
}

export function withTagRemoved(profile: Customer360, name: string): Customer360 {
  return { ...profile, tags: profile.tags.filter((tag) => tag.name !== name) };
}

export function withConsent(profile: Customer360, consent: ConsentState): Customer360 {
  return { ...profile, consent };
}

export function withoutDuplicate(profile: Customer360, suggestionId: string): Customer360 {
  return { ...profile, duplicates: profile.duplicates.filter((duplicate) => duplicate.id !== suggestionId) };
}

/** Whole years from a YYYY-MM-DD birthday to `today` (YYYY-MM-DD); null for a date that does not parse. */
export function ageOn(birthday: string, today: string): number | null {
  const parse = (value: string) => /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)?.slice(1).map(Number) ?? null;
  const born = parse(birthday);
  const now = parse(today);
  if (!born || !now) return null;
  const [by = 0, bm = 0, bd = 0] = born;
  const [ty = 0, tm = 0, td = 0] = now;
  const age = ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
  return age >= 0 && age < 150 ? age : null;
}
