/** What the mini-program shows a customer: the meetings open to them, one meeting, and their own meetings. */
import { AppError, notFound } from '../http/errors';
import { meetingNow } from './clock';
import { isVerifiedHcp } from '../identity/service';
import { MeetingModel, MeetingRegistrationModel } from './model';
import { audiencesOf } from './registrations';
import { findMeeting, findRegistration, isCustomerVisible, type MeetingDoc } from './store';

/** Published meetings not yet over whose audience includes the customer (an HCP meeting is never listed to others). */
export async function meetingsOpenTo(organisationId: string, customerId: string, now = meetingNow()) {
  const audiences = await audiencesOf(organisationId, customerId);
  const meetings = await MeetingModel.find({
    organisationId,
    status: 'published',
    endsAt: { $gt: now },
    audience: { $in: audiences as ('hcp' | 'patient' | 'public')[] },
  })
    .sort({ startsAt: 1, _id: 1 })
    .limit(100)
    .lean();
  const registrations = await MeetingRegistrationModel.find({
    customerId,
    meetingId: { $in: meetings.map((meeting) => meeting._id) },
  }).lean();
  return { meetings, registrations };
}

/** The customer's registrations (cancelled ones too) with their meetings: upcoming first, then past. */
export async function myMeetings(organisationId: string, customerId: string, now = meetingNow()) {
  const registrations = await MeetingRegistrationModel.find({ organisationId, customerId })
    .sort({ signedUpAt: -1, _id: -1 })
    .limit(200)
    .lean();
  const meetings = await MeetingModel.find({
    organisationId,
    _id: { $in: registrations.map((reg) => reg.meetingId) },
  })
    .sort({ startsAt: -1, _id: -1 })
    .lean();
  const upcoming = meetings.filter((meeting) => meeting.endsAt > now).reverse();
  const past = meetings.filter((meeting) => meeting.endsAt <= now);
  return { meetings: [...upcoming, ...past], registrations };
}

/**
 * A meeting as a customer may open it: published or finished (an HCP meeting only for verified HCPs: HCP_ONLY),
 * or one they signed up for whatever has happened to it since. Anything else is NOT_FOUND.
 */
async function openable(meeting: MeetingDoc | null, customerId: string) {
  if (!meeting) throw notFound('Meeting');
  const registration = await findRegistration(meeting._id, customerId);
  if (registration && !['draft', 'rejected'].includes(meeting.status)) return { meeting, registration };
  if (!isCustomerVisible(meeting.status)) throw notFound('Meeting');
  if (meeting.audience === 'hcp' && !(await isVerifiedHcp(String(meeting.organisationId), customerId))) {
    throw new AppError('HCP_ONLY', 'This meeting is for verified healthcare professionals only');
  }
  return { meeting, registration };
}

export async function customerMeeting(organisationId: string, customerId: string, meetingId: string) {
  return openable(await findMeeting(organisationId, meetingId), customerId);
}

/** The meeting behind a venue code's scene. */
export async function customerMeetingByKey(organisationId: string, customerId: string, key: string) {
  return openable(await MeetingModel.findOne({ organisationId, key }).lean(), customerId);
}
