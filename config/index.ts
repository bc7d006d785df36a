import path from 'path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import devConfig from './dev';
import prodConfig from './prod';

// `npm run bench` builds a bare Taro React page with this same config, from its own source root, as the
// baseline the real package sizes and first-screen times are compared with.
const bareBaseline = process.env.TARO_BARE_BASELINE === '1';
const outputRoot = process.env.TARO_ENV === 'h5' ? 'dist-h5' : 'dist';
// The size check and the bench build into their own folder, so they never race someone's build of dist/.
const outputOverride = process.env.TARO_OUTPUT_ROOT;

export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'wechat-aftersale',
    date: '2026-11-25',
    designWidth: 375,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: bareBaseline ? 'bench/bare/src' : 'src',
    outputRoot: outputOverride || (bareBaseline ? `bench/tmp/bare-${outputRoot}` : outputRoot),
    plugins: [],
    defineConstants: {
      // The h5 build talks to the local cloud host on the same origin; weapp uses Taro.cloud.
      CLOUD_ENV: JSON.stringify(process.env.CLOUD_ENV || ''),
    },
    alias: {
      '@/types': path.resolve(__dirname, '..', 'types'),
      '@': path.resolve(__dirname, '..', 'src'),
    },
    // WeChat reads sitemap.json beside app.json (app.config.ts names it); the h5 build has no use for it.
    copy: {
      patterns:
        process.env.TARO_ENV === 'weapp' && !bareBaseline
          ? [{ from: 'src/sitemap.json', to: `${outputOverride || outputRoot}/sitemap.json` }]
          : [],
      options: {},
    },
    // Taro's weapp terser default writes every non-ASCII character as \uXXXX (6 bytes) where UTF-8 takes 3:
    // the Chinese UI text cost ~35 KB of the 600 KB main package. WeChat reads its package as UTF-8, and
    // terser still escapes lone surrogates, so the output stays valid (test:weapp compiles it with wcc/wcsc
    // and miniprogram-ci). The bare baseline gets the same, so the bench compares like with like.
    ...(process.env.TARO_ENV === 'weapp' ? { terser: { enable: true, config: { output: { ascii_only: false } } } } : {}),
    framework: 'react',
    compiler: { type: 'webpack5', prebundle: { enable: false } },
    // Off for ordinary builds. The bench's and the size check's builds (bench/lib/builds.ts) keep webpack's
    // persistent cache per build kind under bench/tmp, so that rebuilding after a small change of the
    // sources reuses every module that did not change; those builds are still redone only when their
    // sources' hash changed, and the output is the same as a cold build's.
    // Taro's ICache types only `enable`; the rest is merged into webpack's `cache` as it stands.
    cache: process.env.TARO_WEBPACK_CACHE_DIR
      ? ({ enable: true, cacheDirectory: path.resolve(process.env.TARO_WEBPACK_CACHE_DIR) } as { enable: boolean })
      : { enable: false },
    mini: {
      // types/ holds runtime constants (REASONS, CASE_TYPES…) that the core and the pages import.
      compile: { include: [path.resolve(__dirname, '..', 'types')] },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
    h5: {
      compile: { include: [path.resolve(__dirname, '..', 'types')] },
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      output: { filename: 'js/[name].[hash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
    },
  };
  if (process.env.NODE_ENV === 'development') return merge({}, baseConfig, devConfig);
  return merge({}, baseConfig, prodConfig);
});
