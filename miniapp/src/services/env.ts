/**
 * Where the API is. The H5 build is served by the API itself (under /m/), so it uses relative URLs; the weapp build
 * runs inside WeChat and needs an absolute origin, set at build time with TARO_APP_API_BASE (config/index.ts).
 */
export const apiBaseUrl: string =
  process.env.TARO_ENV === 'h5' ? '' : (process.env.TARO_APP_API_BASE ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
