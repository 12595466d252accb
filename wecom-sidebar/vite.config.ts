import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// `npm run dev -w wecom-sidebar` proxies the API to a running BFF.
const bff = process.env.CARELOOP_BFF_URL ?? 'http://localhost:3000';

// Served by the BFF under /wecom/: the chat sidebar at /wecom/, the workbench at /wecom/workbench/.
export default defineConfig({
  root,
  base: '/wecom/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      input: {
        sidebar: fileURLToPath(new URL('./index.html', import.meta.url)),
        workbench: fileURLToPath(new URL('./workbench/index.html', import.meta.url)),
      },
      // React and the JS-SDK change rarely: one cacheable vendor chunk shared by both pages. echarts (and its
      // renderer) has a chunk of its own, loaded only by the workbench's results page: the first matching group wins.
      output: {
        codeSplitting: {
          groups: [
            { name: 'charts', test: /[\\/]node_modules[\\/](echarts|zrender)[\\/]/ },
            { name: 'vendor', test: /[\\/]node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': bff,
      '/sandbox': bff,
    },
  },
});
