/**
 * What campaigns need of the WeChat and WeCom clients (AppDeps provides it). Named here so the domain states its
 * dependency in one place; the clients in platform/ implement it.
 */
import type { Config } from '@careloop/config';
import type { Logger } from 'pino';

export interface CampaignPlatform {
  config: Config;
  logger: Logger;
  wechat: {
    /** wxacode.getUnlimited: the PNG of a mini-program code. */
    miniProgramCode(input: {
      scene: string;
      page: string;
      checkPath?: boolean;
      envVersion?: 'release' | 'trial' | 'develop';
      width?: number;
    }): Promise<Buffer>;
  };
  wecom: {
    corpId: string;
    /** externalcontact/add_contact_way. */
    addContactWay(input: {
      type: 1 | 2;
      scene: 1 | 2;
      state: string;
      userIds: string[];
      skipVerify: boolean;
      remark?: string;
    }): Promise<{ configId: string; qrCode: string | null }>;
    /** externalcontact/del_contact_way. */
    deleteContactWay(configId: string): Promise<unknown>;
    /** externalcontact/send_welcome_msg; WeCom's refusals (used or expired code …) come back as errcode. */
    sendWelcomeMessage(input: {
      welcomeCode: string;
      text?: string;
      miniprogram?: { title: string; picMediaId: string; appId: string; page: string };
    }): Promise<{ errcode: number; errmsg: string }>;
    /** media/upload (type image): a temporary media id, valid three days. */
    uploadImage(png: Buffer, filename: string): Promise<string>;
  };
}

/** The `env_version` of codes for the mini-program version the configuration targets. */
export function codeEnvVersion(state: Config['wechat']['miniprogramState']): 'release' | 'trial' | 'develop' {
  return state === 'formal' ? 'release' : state === 'trial' ? 'trial' : 'develop';
}
