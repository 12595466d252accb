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
