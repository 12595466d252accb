/// <reference types="@tarojs/taro" />

declare module '*.scss';
declare module '*.css';

declare namespace NodeJS {
  interface ProcessEnv {
    /** The build target, replaced at build time by Taro. */
    TARO_ENV: 'weapp' | 'h5' | 'rn' | 'swan' | 'alipay' | 'tt' | 'qq' | 'jd' | 'quickapp' | 'harmony-hybrid';
    /** API origin for the weapp build (config/index.ts). */
    TARO_APP_API_BASE?: string;
    /** The mini-program appid written into project.config.json. */
    TARO_APP_WECHAT_APPID?: string;
  }
}
