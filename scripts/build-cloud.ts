/**
 * `npm run build:cloud`: bundles each cloud function's src/index.ts, with the core and the use cases,
 * into cloudfunctions/<fn>/index.js (CommonJS for the Node 16 runtime). wx-server-sdk stays outside:
 * the platform installs it from the folder's package.json ("上传并部署：云端安装依赖"). The build fails
 * if a bundle would need any other package at run time, since nothing else is installed there.
 */
import { builtinModules } from 'module';
import path from 'path';
import { build, type Metafile } from 'esbuild';

export const CLOUD_FUNCTIONS = ['afterSale', 'autoApprove', 'refundNotify', 'wechatpayNotify', 'payNotify', 'orderSync', 'setup'] as const;

const ROOT = path.resolve(__dirname, '..');
const ALLOWED_EXTERNAL = new Set(['wx-server-sdk', ...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

function externalsOf(meta: Metafile): string[] {
  const out = new Set<string>();
  for (const input of Object.values(meta.inputs)) {
    for (const imp of input.imports) if (imp.external) out.add(imp.path);
  }
  return [...out].sort();
}

export async function buildCloudFunction(fn: string): Promise<{ outfile: string; bytes: number; externals: string[] }> {
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
    legalComments: 'none',
    logLevel: 'warning',
    banner: { js: `// Built by npm run build:cloud from cloudfunctions/${fn}/src/index.ts. Do not edit.` },
  });
  const externals = externalsOf(result.metafile);
  const stray = externals.filter((m) => !ALLOWED_EXTERNAL.has(m));
  if (stray.length > 0) throw new Error(`${fn}: the bundle would require ${stray.join(', ')}, which the cloud does not install`);
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  return { outfile, bytes, externals };
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
