import { z } from 'zod';

/** Every machine-readable error code the API can answer with, and its HTTP status. */
export const errorStatus = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  UNAUTHENTICATED: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  REFRESH_TOKEN_INVALID: 401,
  REFRESH_TOKEN_EXPIRED: 401,
  REFRESH_TOKEN_REUSED: 401,
  LOGIN_CODE_INVALID: 401,
  PHONE_CODE_INVALID: 400,
  PHONE_CODE_IN_PROGRESS: 409,
  INVALID_PHONE: 400,
  STAFF_NOT_REGISTERED: 403,
  FORBIDDEN: 403,
  SLOT_FULL: 409,
  SLOT_UNAVAILABLE: 409,
  OVERLAPPING_APPOINTMENT: 409,
  APPOINTMENT_NOT_CANCELLABLE: 409,
  APPOINTMENT_STATE_CONFLICT: 409,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYMENT_NOT_PAYABLE: 409,
  PAYMENT_EXPIRED: 409,
  PAYMENT_NO_OPENID: 409,
  REFUND_NOT_ALLOWED: 409,
  REFUND_EXCEEDS_AMOUNT: 409,
  OUT_OF_STOCK: 409,
  LIMIT_REACHED: 409,
  NOT_ELIGIBLE: 403,
  CAMPAIGN_ENDED: 409,
  CAMPAIGN_NOT_STARTED: 409,
  COUPON_NOT_REDEEMABLE: 409,
  COUPON_UNDO_WINDOW_PASSED: 409,
  UPSTREAM_ERROR: 502,
  DATABASE_UNAVAILABLE: 503,
  INTERNAL: 500,
  /** A WeCom callback whose msg_signature does not verify. */
  CALLBACK_SIGNATURE_INVALID: 401,
  /** A WeCom callback that is signed but cannot be decrypted or read (bad ciphertext, padding, corp or XML). */
  CALLBACK_INVALID: 400,
  /** Content for verified HCPs only, asked for by anyone else. */
  HCP_ONLY: 403,
  /** A content action its editorial state does not allow (e.g. publishing without approval, a stale edit). */
  CONTENT_STATE_CONFLICT: 409,
  /** A reviewer deciding on content they edited or submitted themselves. */
  CONTENT_SELF_REVIEW: 403,
  /** A tag name (or tag group name) the organisation's library already has. */
  TAG_NAME_TAKEN: 409,
  /** A tag that only its rule applies and removes (dynamic), or one archived, changed by hand. */
  TAG_NOT_MANUAL: 409,
  /** A tag rule naming a tag that does not exist, or depending on itself through has/lacks-tag conditions. */
  TAG_RULE_INVALID: 400,
  /** A segment name the organisation already uses. */
  SEGMENT_NAME_TAKEN: 409,
  /** A meeting action its workflow state does not allow (e.g. publishing a rejected meeting, a stale decision). */
  MEETING_STATE_CONFLICT: 409,
  /** A manager or admin deciding on a meeting they created themselves. */
  MEETING_SELF_APPROVAL: 403,
  /** Sign-up is closed: past the deadline, started, finished or cancelled. */
  MEETING_SIGNUP_CLOSED: 409,
  /** Every place and every waitlist place is taken. */
  MEETING_FULL: 409,
  /** Check-in outside the meeting's check-in window. */
  MEETING_CHECK_IN_CLOSED: 409,
  /** Check-in, or a survey, by someone without a confirmed place (or not checked in, for the survey). */
  MEETING_NOT_REGISTERED: 409,
  /** The survey is not open (before the end, after it closed, or the meeting has none). */
  SURVEY_NOT_OPEN: 409,
  /** The survey was answered already (once per person). */
  SURVEY_ALREADY_ANSWERED: 409,
  /** A journey definition naming what does not exist (segment, coupon template, staff) or an invalid schedule. */
  JOURNEY_INVALID: 400,
  /** A journey action its status does not allow (e.g. enabling an archived journey), or a stale edit or review. */
  JOURNEY_STATE_CONFLICT: 409,
  /** A task that is no longer open (completed or cancelled) cannot be completed, reassigned or cancelled. */
  TASK_NOT_OPEN: 409,
  /** The organisation is not the WeCom corp this server is connected to, so its tags cannot be mirrored there. */
  WECOM_SYNC_UNAVAILABLE: 409,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Machine-readable SNAKE_CASE code' }),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .meta({ id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof ErrorBody>;
