/**
 * `npm run test:size`: the weapp package budget, on a build of the current sources (rebuilt whenever
 * they changed since the last check; bench/lib/builds.ts). Fails when the main package is over
 * 600 KB or the merchant subpackage over WeChat's 2 MB per package. KB = 1,024 bytes, as WeChat counts.
 */
import { ensureBuild, packageSizes } from '../bench/lib/builds';
import { KB } from '../bench/lib/stats';

export const MAIN_BUDGET_BYTES = 600 * KB;
export const PACKAGE_LIMIT_BYTES = 2 * 1024 * KB;

function kb(bytes: number): string {
  return `${(bytes / KB).toFixed(1)} KB`;
}

async function main(): Promise<void> {
  const build = await ensureBuild('app-weapp');
  console.log(build.built ? `weapp built in ${(build.ms / 1000).toFixed(0)} s (${build.dir})` : `weapp build is current (${build.dir})`);
  const s = packageSizes(build.dir);
  const checks = [
    { name: 'main package', bytes: s.mainBytes, limit: MAIN_BUDGET_BYTES },
    { name: 'merchant subpackage', bytes: s.subBytes, limit: PACKAGE_LIMIT_BYTES },
  ];
  for (const c of checks) {
    console.log(`${c.bytes <= c.limit ? 'ok  ' : 'FAIL'} ${c.name}: ${kb(c.bytes)} (${c.bytes} bytes), limit ${kb(c.limit)}`);
  }
  console.log(`largest in the main package: ${s.largest.map((f) => `${f.file} ${kb(f.bytes)}`).join(', ')}`);
  if (checks.some((c) => c.bytes > c.limit)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
