/** Staff invite customers to a meeting: a list per meeting (the "invited" number), and an event on each timeline. */
import { AppError } from '../http/errors';
import { isDuplicateKey } from '../db/retry';
import { getCustomer } from '../identity/service';
import { registerMergeStep } from '../identity/mergeSteps';
import { registerPrivacyContributor } from '../privacy/contributors';
import { meetingNow } from './clock';
import { MeetingInvitationModel, MeetingModel } from './model';
import { recordMeetingEvent } from './store';
import { loadMeeting } from './workflow';

/** Invites customers (approved or published meetings); answers the customer ids newly invited. */
export async function inviteCustomers(
  organisationId: string,
  staffId: string,
  meetingId: string,
  customerIds: string[],
): Promise<{ invited: string[]; alreadyInvited: number }> {
  const meeting = await loadMeeting(organisationId, meetingId);
  if (!['approved', 'published'].includes(meeting.status)) {
    throw new AppError('MEETING_STATE_CONFLICT', 'Invite to an approved or published meeting');
  }
  // Every id must be a customer of the organisation (NOT_FOUND otherwise), as it is now (merges resolved).
  const customers = await Promise.all([...new Set(customerIds)].map((id) => getCustomer(organisationId, id)));
  const invited: string[] = [];
  let alreadyInvited = 0;
  for (const customerId of new Set(customers.map((customer) => customer.id))) {
    try {
      await MeetingInvitationModel.create({
        organisationId,
        meetingId: meeting._id,
        customerId,
        invitedBy: staffId,
        invitedAt: meetingNow(),
      });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      alreadyInvited += 1;
      continue;
    }
    invited.push(customerId);
    await recordMeetingEvent({
      meeting,
      customerId,
      type: 'meeting.invited',
      key: `${String(meeting._id)}:${customerId}`,
      actor: staffId,
    });
  }
  return { invited, alreadyInvited };
}

export async function listInvitations(meetingId: string) {
  return MeetingInvitationModel.find({ meetingId }).sort({ invitedAt: 1 }).lean();
}

registerMergeStep({
  name: 'meeting-invitations',
  async move({ organisationId, fromCustomerId, intoCustomerId }) {
    const moving = await MeetingInvitationModel.find({ organisationId, customerId: fromCustomerId }).lean();
    for (const invitation of moving) {
      if (await MeetingInvitationModel.exists({ meetingId: invitation.meetingId, customerId: intoCustomerId })) {
        await MeetingInvitationModel.deleteOne({ _id: invitation._id });
      } else {
        await MeetingInvitationModel.updateOne({ _id: invitation._id }, { $set: { customerId: intoCustomerId } });
      }
    }
  },
});

registerPrivacyContributor({
  name: 'meeting-invitations',
  async exportData({ organisationId, customerId }) {
    const invitations = await MeetingInvitationModel.find({ organisationId, customerId }).lean();
    const meetings = await MeetingModel.find(
      { _id: { $in: invitations.map((invitation) => invitation.meetingId) } },
      { title: 1 },
    ).lean();
    const titles = new Map(meetings.map((meeting) => [String(meeting._id), meeting.title]));
    return invitations.map((invitation) => ({
      meetingId: String(invitation.meetingId),
      meeting: titles.get(String(invitation.meetingId)) ?? null,
      invitedAt: invitation.invitedAt.toISOString(),
    }));
  },
  erase: async () => {},
});
