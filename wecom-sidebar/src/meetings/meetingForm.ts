/**
 * The meeting editor's form. The draft holds what the inputs hold (strings; times on the organisation's clock; agenda,
 * speakers and survey questions as rows); `buildMeetingRequest` checks it with the rules the BFF enforces
 * (CreateMeetingRequest and meetingFieldIssues in shared/src/meetings.ts) and `buildMeetingChanges` turns an edit into
 * the fields that changed, saying which of them need a new compliance approval (MEETING_MATERIAL_FIELDS).
 * Errors are keyed by field, and by row for rows: `agenda.0.topic`, `speakers.1.name`, `survey.2.options`.
 */
import {
  fenToYuanInput,
  isoToZonedInput,
  wholeNumber,
  yuanToFen,
  zonedToIso,
  type FieldErrors,
  type FormResult,
} from '../shell/forms';
import type {
  CreateMeetingRequest,
  MeetingAudience,
  StaffMeeting,
  SurveyQuestion,
  UpdateMeetingRequest,
} from './types';
import { questionFromDraft, questionToDraft, type QuestionDraft } from './surveyBuilder';

export const MEETING_LIMITS = {
  title: 60,
  description: 2000,
  venueName: 80,
  venueAddress: 200,
  onlineUrl: 500,
  agenda: 50,
  topic: 100,
  speakerName: 40,
  speakerTitle: 40,
  hospital: 80,
  speakers: 30,
  survey: 30,
  capacity: 5000,
  waitlist: 5000,
  minutes: 1440,
  surveyDays: 90,
  /** The fee's upper bound in yuan (the API's 10,000,000 fen). */
  feeYuan: 100_000,
} as const;

export interface AgendaDraft {
  /** HH:mm on the organisation's clock. */
  time: string;
  topic: string;
  speaker: string;
}

export interface SpeakerDraft {
  name: string;
  title: string;
  hospital: string;
}

export interface MeetingDraft {
  title: string;
  description: string;
  audience: MeetingAudience;
  /** datetime-local values on the organisation's clock. */
  startsAt: string;
  endsAt: string;
  venueName: string;
  venueAddress: string;
  onlineUrl: string;
  agenda: AgendaDraft[];
  speakers: SpeakerDraft[];
  survey: QuestionDraft[];
  capacity: string;
  waitlistLimit: string;
  /** '' : until the start. */
  signUpDeadline: string;
  checkInOpensMinutesBefore: string;
  checkInClosesMinutesAfterEnd: string;
  surveyOpenDays: string;
  /** The fee in yuan ('' or 0: free); at most two decimals. */
  feeYuan: string;
}

/** A field of the draft, or a row's field (`agenda.0.topic`). */
export type MeetingField = keyof MeetingDraft | `${'agenda' | 'speakers' | 'survey'}.${number}.${string}`;

const DAY = 86_400_000;

/**
 * Fields whose change needs a new compliance approval (`MEETING_MATERIAL_FIELDS` in `@careloop/shared`; repeated here
 * so the page does not import the schema module, and checked equal in the unit tests).
 */
export const MATERIAL_FIELDS = [
  'title',
  'description',
  'audience',
  'startsAt',
  'endsAt',
  'venue',
  'onlineUrl',
  'agenda',
  'speakers',
  'survey',
  'feeFen',
] as const;

/** The fee input in fen: '' → 0; null when it is not 0–MEETING_LIMITS.feeYuan yuan with at most two decimals. */
function feeFromInput(text: string): number | null {
  if (text.trim() === '') return 0;
  const fen = yuanToFen(text);
  return fen !== null && fen <= MEETING_LIMITS.feeYuan * 100 ? fen : null;
}

/** A new meeting: a week from now, 14:00–17:00 on the organisation's clock, 50 places, the server's defaults. */
export function emptyMeetingDraft(now: Date = new Date()): MeetingDraft {
  const day = isoToZonedInput(new Date(now.getTime() + 7 * DAY)).slice(0, 10);
  return {
    title: '',
    description: '',
    audience: 'hcp',
    startsAt: `${day}T14:00`,
    endsAt: `${day}T17:00`,
    venueName: '',
    venueAddress: '',
    onlineUrl: '',
    agenda: [],
    speakers: [],
    survey: [],
    capacity: '50',
    waitlistLimit: '100',
    signUpDeadline: '',
    checkInOpensMinutesBefore: '60',
    checkInClosesMinutesAfterEnd: '0',
    surveyOpenDays: '14',
    feeYuan: '0',
  };
}

export function draftFromMeeting(meeting: StaffMeeting): MeetingDraft {
  const zone = meeting.timeZone;
  return {
    title: meeting.title,
    description: meeting.description,
    audience: meeting.audience,
    startsAt: isoToZonedInput(meeting.startsAt, zone),
    endsAt: isoToZonedInput(meeting.endsAt, zone),
    venueName: meeting.venue?.name ?? '',
    venueAddress: meeting.venue?.address ?? '',
    onlineUrl: meeting.onlineUrl ?? '',
    agenda: meeting.agenda.map((item) => ({ ...item })),
    speakers: meeting.speakers.map((speaker) => ({ ...speaker })),
    survey: meeting.survey.map(questionToDraft),
    capacity: String(meeting.capacity),
    waitlistLimit: String(meeting.waitlistLimit),
    // The server answers the effective deadline (the start when none was set): the same instant reads as none.
    signUpDeadline: meeting.signUpDeadline === meeting.startsAt ? '' : isoToZonedInput(meeting.signUpDeadline, zone),
    checkInOpensMinutesBefore: String(meeting.checkInOpensMinutesBefore),
    checkInClosesMinutesAfterEnd: String(meeting.checkInClosesMinutesAfterEnd),
    surveyOpenDays: String(meeting.surveyOpenDays),
    feeYuan: fenToYuanInput(meeting.feeFen),
  };
}

const length = (value: string) => [...value].length;
const blank = (row: object) => Object.values(row).every((value) => typeof value !== 'string' || !value.trim());

function checkHttps(value: string): string | null {
  if (length(value) > MEETING_LIMITS.onlineUrl) return `链接最多 ${MEETING_LIMITS.onlineUrl} 个字符`;
  try {
    return new URL(value).protocol === 'https:' ? null : '线上链接须以 https:// 开头 Use an https link';
  } catch {
    return '请填写完整的链接（https://…） Enter a full link';
  }
}

function boundedNumber(value: string, min: number, max: number): number | null {
  const number = wholeNumber(value);
  return number !== null && number >= min && number <= max ? number : null;
}

function checkText(
  errors: FieldErrors<MeetingField>,
  field: MeetingField,
  value: string,
  max: number,
  required: string | null,
): string {
  const text = value.trim();
  if (!text && required) errors[field] = required;
  else if (length(text) > max) errors[field] = `最多 ${max} 个字`;
  return text;
}

/**
 * Every field checked; `now` for "the start must be in the future" (a new meeting, or an edit that moves the start).
 * Blank agenda and speaker rows are left out.
 */
function checkDraft(
  draft: MeetingDraft,
  options: { now: Date; timeZone: string; startMustBeFuture: boolean },
): { request: CreateMeetingRequest; errors: FieldErrors<MeetingField> } {
  const errors: FieldErrors<MeetingField> = {};
  const title = checkText(errors, 'title', draft.title, MEETING_LIMITS.title, '请输入会议名称 Enter a title');
  const description = checkText(errors, 'description', draft.description, MEETING_LIMITS.description, null);

  const startsAt = zonedToIso(draft.startsAt, options.timeZone);
  const endsAt = zonedToIso(draft.endsAt, options.timeZone);
  if (!startsAt) errors.startsAt = '请选择开始时间 Choose the start';
  else if (options.startMustBeFuture && Date.parse(startsAt) <= options.now.getTime()) {
    errors.startsAt = '开始时间须在将来 The start must be in the future';
  }
  if (!endsAt) errors.endsAt = '请选择结束时间 Choose the end';
  else if (startsAt && endsAt <= startsAt) errors.endsAt = '结束时间须晚于开始时间 End after the start';
  let signUpDeadline: string | null = null;
  if (draft.signUpDeadline.trim()) {
    signUpDeadline = zonedToIso(draft.signUpDeadline, options.timeZone);
    if (!signUpDeadline) errors.signUpDeadline = '截止时间无效 Invalid deadline';
    else if (startsAt && signUpDeadline > startsAt) errors.signUpDeadline = '报名截止不能晚于开始时间';
  }

  const venueName = checkText(errors, 'venueName', draft.venueName, MEETING_LIMITS.venueName, null);
  const venueAddress = checkText(errors, 'venueAddress', draft.venueAddress, MEETING_LIMITS.venueAddress, null);
  if (venueAddress && !venueName) errors.venueName = '请填写场地名称 Name the venue';
  const onlineUrl = draft.onlineUrl.trim() || null;
  const urlError = onlineUrl ? checkHttps(onlineUrl) : null;
  if (urlError) errors.onlineUrl = urlError;
  if (!venueName && !venueAddress && !onlineUrl)
    errors.venueName = '请填写场地或线上链接（或两者） Venue or online link';

  const agenda: CreateMeetingRequest['agenda'] = [];
  draft.agenda.forEach((row, index) => {
    if (blank(row)) return;
    const time = row.time.trim();
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(time)) errors[`agenda.${index}.time`] = '时间写成 HH:mm';
    const topic = checkText(errors, `agenda.${index}.topic`, row.topic, MEETING_LIMITS.topic, '请填写议题');
    const speaker = checkText(errors, `agenda.${index}.speaker`, row.speaker, MEETING_LIMITS.speakerName, null);
    agenda.push({ time, topic, speaker });
  });
  if (agenda.length > MEETING_LIMITS.agenda) errors.agenda = `议程最多 ${MEETING_LIMITS.agenda} 项`;

  const speakers: CreateMeetingRequest['speakers'] = [];
  draft.speakers.forEach((row, index) => {
    if (blank(row)) return;
    speakers.push({
      name: checkText(errors, `speakers.${index}.name`, row.name, MEETING_LIMITS.speakerName, '请填写讲者姓名'),
      title: checkText(errors, `speakers.${index}.title`, row.title, MEETING_LIMITS.speakerTitle, null),
      hospital: checkText(errors, `speakers.${index}.hospital`, row.hospital, MEETING_LIMITS.hospital, null),
    });
  });
  if (speakers.length > MEETING_LIMITS.speakers) errors.speakers = `讲者最多 ${MEETING_LIMITS.speakers} 位`;

  const survey: SurveyQuestion[] = [];
  const ids = new Set<string>();
  draft.survey.forEach((row, index) => {
    const result = questionFromDraft(row);
    for (const [field, message] of Object.entries(result.errors)) errors[`survey.${index}.${field}`] = message;
    if (ids.has(row.id.trim())) errors[`survey.${index}.id`] = '题号重复 Duplicate id';
    ids.add(row.id.trim());
    if (result.question) survey.push(result.question);
  });
  if (draft.survey.length > MEETING_LIMITS.survey) errors.survey = `问卷最多 ${MEETING_LIMITS.survey} 题`;

  const capacity = boundedNumber(draft.capacity, 1, MEETING_LIMITS.capacity);
  if (capacity === null) errors.capacity = `名额为 1–${MEETING_LIMITS.capacity} 的整数`;
  const waitlistLimit = boundedNumber(draft.waitlistLimit, 0, MEETING_LIMITS.waitlist);
  if (waitlistLimit === null) errors.waitlistLimit = `候补为 0–${MEETING_LIMITS.waitlist} 的整数`;
  const opens = boundedNumber(draft.checkInOpensMinutesBefore, 0, MEETING_LIMITS.minutes);
  if (opens === null) errors.checkInOpensMinutesBefore = `0–${MEETING_LIMITS.minutes} 分钟`;
  const closes = boundedNumber(draft.checkInClosesMinutesAfterEnd, 0, MEETING_LIMITS.minutes);
  if (closes === null) errors.checkInClosesMinutesAfterEnd = `0–${MEETING_LIMITS.minutes} 分钟`;
  const surveyOpenDays = boundedNumber(draft.surveyOpenDays, 1, MEETING_LIMITS.surveyDays);
  if (surveyOpenDays === null) errors.surveyOpenDays = `1–${MEETING_LIMITS.surveyDays} 天`;
  const feeFen = feeFromInput(draft.feeYuan);
  if (feeFen === null) errors.feeYuan = `费用为 0–${MEETING_LIMITS.feeYuan} 元，最多两位小数`;

  return {
    errors,
    request: {
      title,
      description,
      audience: draft.audience,
      startsAt: startsAt ?? '',
      endsAt: endsAt ?? '',
      venue: venueName ? { name: venueName, address: venueAddress } : null,
      onlineUrl,
      agenda,
      speakers,
      survey,
      capacity: capacity ?? 0,
      waitlistLimit: waitlistLimit ?? 0,
      signUpDeadline,
      checkInOpensMinutesBefore: opens ?? 0,
      checkInClosesMinutesAfterEnd: closes ?? 0,
      surveyOpenDays: surveyOpenDays ?? 0,
      feeFen: feeFen ?? 0,
    },
  };
}

export function buildMeetingRequest(
  draft: MeetingDraft,
  options: { now?: Date; timeZone?: string } = {},
): FormResult<CreateMeetingRequest, MeetingField> {
  const { request, errors } = checkDraft(draft, {
    now: options.now ?? new Date(),
    timeZone: options.timeZone ?? 'Asia/Shanghai',
    startMustBeFuture: true,
  });
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, request };
}

/** The meeting's editable fields as the API takes them, for comparing an edit with. */
function currentRequest(meeting: StaffMeeting): CreateMeetingRequest {
  return {
    title: meeting.title,
    description: meeting.description,
    audience: meeting.audience,
    startsAt: meeting.startsAt,
    endsAt: meeting.endsAt,
    venue: meeting.venue,
    onlineUrl: meeting.onlineUrl,
    agenda: meeting.agenda,
    speakers: meeting.speakers,
    survey: meeting.survey,
    capacity: meeting.capacity,
    waitlistLimit: meeting.waitlistLimit,
    signUpDeadline: meeting.signUpDeadline === meeting.startsAt ? null : meeting.signUpDeadline,
    checkInOpensMinutesBefore: meeting.checkInOpensMinutesBefore,
    checkInClosesMinutesAfterEnd: meeting.checkInClosesMinutesAfterEnd,
    surveyOpenDays: meeting.surveyOpenDays,
    feeFen: meeting.feeFen,
  };
}

/** JSON with object keys sorted: the same value however its keys were ordered. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : inner,
  );
}

const comparable = (key: string, value: unknown) =>
  ['startsAt', 'endsAt', 'signUpDeadline'].includes(key) && typeof value === 'string'
    ? new Date(value).toISOString()
    : stableJson(value);

export interface MeetingChanges {
  request: UpdateMeetingRequest;
  /** The changed fields that need a new approval once the meeting was submitted, approved or published. */
  material: string[];
}

/**
 * An edit as the fields that changed. Moving the start must keep it in the future; nothing changed is an error on the
 * form (`title`), as the server would refuse an empty edit.
 */
export function buildMeetingChanges(
  draft: MeetingDraft,
  meeting: StaffMeeting,
  now: Date = new Date(),
): FormResult<MeetingChanges, MeetingField | 'form'> {
  const current = currentRequest(meeting);
  const moved = zonedToIso(draft.startsAt, meeting.timeZone);
  const { request, errors } = checkDraft(draft, {
    now,
    timeZone: meeting.timeZone,
    startMustBeFuture: moved !== null && moved !== new Date(meeting.startsAt).toISOString(),
  });
  if (Object.keys(errors).length) return { ok: false, errors };
  const changes: Record<string, unknown> = {};
  for (const key of Object.keys(request) as (keyof CreateMeetingRequest)[]) {
    if (comparable(key, request[key]) !== comparable(key, current[key])) changes[key] = request[key];
  }
  const keys = Object.keys(changes);
  if (!keys.length) return { ok: false, errors: { form: '没有修改 Nothing changed' } };
  const material = keys.filter((key) => (MATERIAL_FIELDS as readonly string[]).includes(key));
  return { ok: true, request: { request: changes as UpdateMeetingRequest, material } };
}

/** Whether saving these material changes sends the meeting back for approval (what the editor warns about). */
export function needsNewApproval(status: StaffMeeting['status'], material: readonly string[]): boolean {
  return material.length > 0 && ['submitted', 'approved', 'published'].includes(status);
}
