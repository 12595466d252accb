import Taro from '@tarojs/taro';
import type { Platform } from './types';

export function createWeappPlatform(): Platform {
  return {
    async login() {
      const { code } = await Taro.login();
      if (!code) throw new Error('微信登录失败：没有拿到登录凭证');
      return code;
    },
  };
}
