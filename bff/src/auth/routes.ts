import {
  LogoutRequest,
  MpLoginRequest,
  MpLoginResponse,
  RefreshRequest,
  StaffLoginResponse,
  StaffWecomLoginRequest,
  TokenPair,
} from '@careloop/shared';
import type { AppDeps } from '../deps';
import { defineRoute } from '../http/routes';
import { getCustomer, hasIdentityOfKind, signInMiniappUser } from '../identity/service';
import { linkWecomContactOfUnionid } from '../identity/wecomContacts';
import { findOrganisationByPlatform } from '../organisations/service';
import { findActiveStaffByWecomUserId, staffProfile } from '../staff/service';
import { revokeRefreshToken } from './refreshTokens';
import { issueSession, refreshSession } from './service';

export function authRoutes({ config, wechat, wecom }: AppDeps) {
  const tag = 'auth';
  return [
    defineRoute({
      method: 'post',
      path: '/api/mp/auth/login',
      summary: 'Sign in a mini-program user with the code from wx.login',
      tag,
      access: 'public',
      body: MpLoginRequest,
      response: MpLoginResponse,
      handler: async ({ body, ctx }) => {
        const organisation = await findOrganisationByPlatform({ miniappAppId: config.wechat.appId });
        const session = await wechat.code2Session(body.code);
        let customer = await signInMiniappUser({
          organisationId: organisation.id,
          appId: config.wechat.appId,
          openid: session.openid,
          unionid: session.unionid,
        });
        if (session.unionid && !(await hasIdentityOfKind(organisation.id, customer.id, 'wecom_external_userid'))) {
          // Best effort: sign-in must not fail because WeCom is slow or down; the periodic sync links them later.
          const linked = await linkWecomContactOfUnionid(wecom, organisation.id, {
            unionid: session.unionid,
            openid: session.openid,
          }).catch((err: unknown) => {
            ctx.state.log.warn({ err }, 'could not look the user up in WeCom');
            return false;
          });
          if (linked) customer = await getCustomer(organisation.id, customer.id);
        }
        const tokens = await issueSession(
          { kind: 'customer', id: customer.id, organisationId: organisation.id },
          config.auth,
        );
        return { ...tokens, customer };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/auth/wecom',
      summary: 'Sign in a staff member with a WeCom OAuth code',
      tag,
      access: 'public',
      body: StaffWecomLoginRequest,
      response: StaffLoginResponse,
      handler: async ({ body }) => {
        const organisation = await findOrganisationByPlatform({ wecomCorpId: config.wecom.corpId });
        const userId = await wecom.userIdFromOauthCode(body.code);
        const staff = await findActiveStaffByWecomUserId(organisation.id, userId);
        const tokens = await issueSession(
          { kind: 'staff', id: staff.id, organisationId: organisation.id, roles: staff.roles },
          config.auth,
        );
        return { ...tokens, staff: await staffProfile(staff) };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/refresh',
      summary: 'Exchange a refresh token for new tokens (the old refresh token is spent)',
      tag,
      access: 'public',
      body: RefreshRequest,
      response: TokenPair,
      handler: ({ body }) => refreshSession(body.refreshToken, config.auth),
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/logout',
      summary: 'End the session the refresh token belongs to',
      tag,
      access: 'public',
      body: LogoutRequest,
      handler: ({ body }) => revokeRefreshToken(body.refreshToken),
    }),
  ];
}
