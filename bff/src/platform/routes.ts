import { AppConfig, JsSdkSignature, JsSdkSignatureRequest } from '@careloop/shared';
import type { AppDeps } from '../deps';
import { ALL_STAFF } from '../auth/middleware';
import { defineRoute } from '../http/routes';
import { findOrganisationByPlatform } from '../organisations/service';

export function platformRoutes({ config, wecom }: AppDeps) {
  const tag = 'platform';
  return [
    defineRoute({
      method: 'get',
      path: '/api/app-config',
      summary: 'What the front ends need before sign-in: sandbox mode, mini-program appid, WeCom corp and app',
      tag,
      access: 'public',
      response: AppConfig,
      handler: async () => ({
        sandbox: config.sandbox,
        organisation: await findOrganisationByPlatform({ miniappAppId: config.wechat.appId }).then(
          (organisation) => ({ name: organisation.name }),
          () => null,
        ),
        miniapp: { appId: config.wechat.appId },
        wecom: { corpId: config.wecom.corpId, agentId: config.wecom.agentId },
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/staff/wecom/js-signature',
      summary: 'Sign a page URL for ww.register (config or agentConfig)',
      tag,
      access: ALL_STAFF,
      body: JsSdkSignatureRequest,
      response: JsSdkSignature,
      handler: ({ body }) => wecom.jsApiSignature(body.url, body.type),
    }),
  ];
}
