import type { Logger } from 'pino';
import type { Config } from '@careloop/config';
import type { WechatClient } from './platform/wechat/client';
import type { WecomClient } from './platform/wecom/client';
import type { TokenCache } from './platform/tokenCache';
import type { PayClient } from './platform/pay/client';

/** What route factories are given: configuration and the platform clients. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  tokens: TokenCache;
  wechat: WechatClient;
  wecom: WecomClient;
  /** WeChat Pay (the real service or the sandbox). */
  pay: PayClient;
}
