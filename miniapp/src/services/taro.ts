import Taro from '@tarojs/taro';
import type { KeyValueStorage } from './storage';
import { createRequestTransport } from './transport';

/** Taro's request API as the shared client's transport. */
export const taroTransport = createRequestTransport(
  (options) =>
    Taro.request({
      url: options.url,
      method: options.method,
      header: options.header,
      data: options.data as Record<string, unknown> | undefined,
      dataType: options.dataType,
      timeout: options.timeout,
    }),
  { overrideMethods: process.env.TARO_ENV === 'weapp' ? ['PATCH'] : [] },
);

/** Taro's synchronous storage (wx storage in WeChat, localStorage in H5). */
export const taroStorage: KeyValueStorage = {
  get: (key) => {
    const value: unknown = Taro.getStorageSync(key);
    return value === '' ? null : value;
  },
  set: (key, value) => Taro.setStorageSync(key, value),
  remove: (key) => Taro.removeStorageSync(key),
};
