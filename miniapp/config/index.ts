import path from 'node:path';
import { defineConfig } from '@tarojs/cli';
import type { IProjectConfig } from '@tarojs/taro/types/compile';

/**
 * Taro build configuration for both targets: `taro build --type weapp` → dist/weapp, `--type h5` → dist/h5.
 *
 * Environment:
 * - TARO_APP_API_BASE: absolute API origin for the weapp build (the H5 build is served by the API itself and uses
 *   relative URLs). Default: the local BFF.
 * - TARO_APP_WECHAT_APPID: the mini-program appid written to dist/weapp/project.config.json (Taro reads
 *   TARO_APP_ID for that); without it the project uses `touristappid`.
 */
const DEFAULT_API_BASE = 'http://127.0.0.1:3000';

if (process.env.TARO_APP_WECHAT_APPID && !process.env.TARO_APP_ID) {
  process.env.TARO_APP_ID = process.env.TARO_APP_WECHAT_APPID;
}

/** `shared/` is a symlinked workspace outside node_modules and outside src: Babel must compile its TypeScript too. */
const sharedSource = path.resolve(__dirname, '../../shared/src');

/**
 * npm keeps @tarojs/plugin-framework-react in miniapp/node_modules (its `vite` ^4 peer differs from the vite 8
 * hoisted for wecom-sidebar), but @tarojs/taro-h5, hoisted to the root, imports its runtime: point webpack at it.
 */
const frameworkReact = path.dirname(
  require.resolve('@tarojs/plugin-framework-react/package.json', { paths: [path.resolve(__dirname, '..')] }),
);

/** NutUI is designed at 375 px wide, our own styles at 750 px. */
function designWidth(input?: unknown): number {
  const file = typeof input === 'object' && input !== null ? (input as { file?: unknown }).file : undefined;
  if (typeof file === 'string' && file.replace(/\\/g, '/').includes('/@nutui/')) return 375;
  return 750;
}

export default defineConfig<'webpack5'>(() => {
  const production = process.env.NODE_ENV === 'production';
  const config: IProjectConfig<'webpack5'> = {
    projectName: 'careloop-miniapp',
    date: '2025-11-26',
    designWidth,
    deviceRatio: { 375: 2, 640: 2.34 / 2, 750: 1, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${process.env.TARO_ENV}`,
    framework: 'react',
    compiler: { type: 'webpack5', prebundle: { enable: false } },
    cache: { enable: false },
    alias: { '@tarojs/plugin-framework-react': frameworkReact },
    env: {
      TARO_APP_API_BASE: JSON.stringify(process.env.TARO_APP_API_BASE || DEFAULT_API_BASE),
    },
    plugins: [],
    mini: {
      enableSourceMap: !production,
      compile: { include: [sharedSource] },
      // NutUI's per-component CSS lands in shared chunks; its order between pages does not matter.
      miniCssExtractPluginOption: { ignoreOrder: true },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
    h5: {
      publicPath: '/m/',
      // `npm run dev:h5` serves on its own port; send the API and sandbox calls to the BFF.
      devServer: {
        proxy: [{ context: ['/api', '/sandbox'], target: process.env.TARO_APP_API_BASE || DEFAULT_API_BASE }],
      },
      staticDirectory: 'static',
      router: { mode: 'hash' },
      enableSourceMap: !production,
      compile: { include: [sharedSource] },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
  };
  return config;
});
