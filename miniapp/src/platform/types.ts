/**
 * What the mini-program needs from the platform it runs on. One implementation per build target
 * (`process.env.TARO_ENV`): the real WeChat APIs in `weapp`, the CareLoop sandbox in `h5`.
 */
export interface Platform {
  /** A single-use WeChat login code (what `wx.login` returns) for `POST /api/mp/auth/login`. */
  login(): Promise<string>;
}
