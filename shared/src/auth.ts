import { z } from 'zod';
import { CustomerProfile } from './customers';
import { StaffProfile } from './staff';

export const MpLoginRequest = z.strictObject({
  code: z.string().min(1).max(128).meta({ description: 'The code from wx.login, single use' }),
});
export type MpLoginRequest = z.infer<typeof MpLoginRequest>;

export const StaffWecomLoginRequest = z.strictObject({
  code: z.string().min(1).max(256).meta({ description: 'The WeCom OAuth code' }),
});
export type StaffWecomLoginRequest = z.infer<typeof StaffWecomLoginRequest>;

export const TokenPair = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    /** Seconds until the access token expires. */
    expiresIn: z.number().int(),
  })
  .meta({ id: 'TokenPair' });
export type TokenPair = z.infer<typeof TokenPair>;

export const MpLoginResponse = TokenPair.extend({ customer: CustomerProfile }).meta({ id: 'MpLoginResponse' });
export type MpLoginResponse = z.infer<typeof MpLoginResponse>;

export const StaffLoginResponse = TokenPair.extend({ staff: StaffProfile }).meta({ id: 'StaffLoginResponse' });
export type StaffLoginResponse = z.infer<typeof StaffLoginResponse>;

export const RefreshRequest = z.strictObject({ refreshToken: z.string().min(1).max(512) });
export type RefreshRequest = z.infer<typeof RefreshRequest>;

export const LogoutRequest = RefreshRequest;
export type LogoutRequest = RefreshRequest;
