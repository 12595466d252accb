import Taro from '@tarojs/taro';
import type { Platform } from './types';

export function createWeappPlatform(): Platform {
  return {
    async login() {
      const { code } = await Taro.login();
      if (!code) throw new Error('微信登录失败：没有拿到登录凭证');
      return code;
    },
    /**
     * A mini-program cannot save a file where the user can open it, so the export goes to the clipboard (to paste
     * into a chat or a note). WeChat shows its own "内容已复制" toast.
     */
    async deliverExport(json) {
      await Taro.setClipboardData({ data: json });
      return { kind: 'copied', bytes: utf8Length(json) };
    },
    async requestSubscribeMessage(templateIds) {
      const result = (await Taro.requestSubscribeMessage({ tmplIds: templateIds, entityIds: [] })) as unknown as Record<
        string,
        string
      >;
      return templateIds.filter((id) => result[id] === 'accept');
    },
    /** WeChat's own payment sheet; its promise settles as `wx.requestPayment` reports (`requestPayment:fail cancel`…). */
    requestPayment(params) {
      return Taro.requestPayment({
        timeStamp: params.timeStamp,
        nonceStr: params.nonceStr,
        package: params.package,
        signType: params.signType,
        paySign: params.paySign,
      });
    },
  };
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
