/**
 * `npm run build:cloud`: bundles each cloud function's src/index.ts, with the core and the use cases,
 * into cloudfunctions/<fn>/index.js (CommonJS for the Node 16 runtime). wx-server-sdk stays outside:
 * the platform installs it from the folder's package.json ("上传并部署：云端安装依赖"). The build fails
 * if a bundle would need any other package at run time, since nothing else is installed there.
 */
import { builtinModules } from 'module';
import path from 'path';
import { build, type Metafile, type Plugin } from 'esbuild';

export const CLOUD_FUNCTIONS = ['afterSale', 'autoApprove', 'refundNotify', 'wechatpayNotify', 'payNotify', 'orderSync', 'setup'] as const;

const ROOT = path.resolve(__dirname, '..');
const ALLOWED_EXTERNAL = new Set(['wx-server-sdk', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

function externalsOf(meta: Metafile): string[] {
  const out = new Set<string>();
  for (const input of Object.values(meta.inputs)) {
    // `<runtime>`: esbuild's own helpers (keepNames), inside the bundle.
    for (const imp of input.imports) if (imp.external && imp.path !== '<runtime>') out.add(imp.path);
  }
  return [...out].sort();
}

/**
 * zod's `z` namespace re-exports every locale of its messages (`z.locales`, about 40 languages, half
 * of zod in the bundle); only English is used — the default zod registers itself (classic/schemas.js)
 * — and the product words its own errors. Each locale index zod imports resolves to English alone.
 */
export const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /[\\/]locales[\\/]index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: path.join(path.dirname(args.importer), args.path), namespace: 'zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(path.join(path.dirname(args.path), 'en.js'))};\n`,
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};

/** What `build:cloud` made of one function: its file, size, the packages it requires, and the inputs bundled in it. */
export interface BuiltFunction {
  outfile: string;
  bytes: number;
  externals: string[];
  /** Every file bundled in, as esbuild names it (relative to the repository; `zod-locales:` for the locale stub). */
  inputs: string[];
}

export async function buildCloudFunction(fn: string): Promise<BuiltFunction> {
  const outfile = path.join(ROOT, 'cloudfunctions', fn, 'index.js');
  const result = await build({
    entryPoints: [path.join(ROOT, 'cloudfunctions', fn, 'src', 'index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node16',
    format: 'cjs',
    external: ['wx-server-sdk'],
    tsconfig: path.join(ROOT, 'tsconfig.json'),
    metafile: true,
    // Smaller to read and compile at a cold start (issue 18); names kept for stack traces and error names.
    minify: true,
    keepNames: true,
    plugins: [zodEnglishOnly],
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: `// Built by npm run build:cloud from cloudfunctions/${fn}/src/index.ts. Do not edit.` },
  });
  const externals = externalsOf(result.metafile);
  const stray = externals.filter((m) => !ALLOWED_EXTERNAL.has(m));
  if (stray.length > 0) throw new Error(`${fn}: the bundle would require ${stray.join(', ')}, which the cloud does not install`);
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  return { outfile, bytes, externals, inputs: Object.keys(result.metafile.inputs) };
}

async function main(): Promise<void> {
  for (const fn of CLOUD_FUNCTIONS) {
    const { outfile, bytes } = await buildCloudFunction(fn);
    console.log(`${path.relative(ROOT, outfile)}  ${(bytes / 1024).toFixed(1)} KB`);
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
