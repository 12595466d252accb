import { createH5Platform } from './h5';
import type { Platform } from './types';
import { createWeappPlatform } from './weapp';

export type { Platform } from './types';

/** The platform adapter for this build; `process.env.TARO_ENV` is replaced at build time. */
export const platform: Platform = process.env.TARO_ENV === 'h5' ? createH5Platform() : createWeappPlatform();
