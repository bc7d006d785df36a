/**
 * `npm start`: the whole product on one machine. Builds the H5 app when it is missing or older than
 * its sources, then starts the local cloud host with the demo shop (seeded on first run only) and prints
 * where to go and who to be.
 */
import { spawnSync } from 'child_process';
import { buildExists, buildIsFresh, REPO_ROOT } from '../../../scripts/build-freshness';
import { DEMO_IDENTITIES } from '../seed/demo';
import { readyLine, serveFromEnv } from './serve';

const ROLE_LABEL = { BUYER: '买家', STAFF: '商家客服', OWNER: '店主', PLATFORM: '平台审核' } as const;

function buildH5IfNeeded(): void {
  if (buildIsFresh('h5')) return;
  console.log(
    buildExists('h5')
      ? '页面代码有更新：正在重新构建 H5 页面（npm run build:h5），大约需要一两分钟…'
      : '首次启动：正在构建 H5 页面（npm run build:h5），大约需要一两分钟…',
  );
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', 'build:h5'], { cwd: REPO_ROOT, stdio: 'inherit', env: process.env });
  if (r.status !== 0) {
    console.error('H5 构建失败：云主机照常启动，接口可用，页面需修复构建后再访问（npm run build:h5）。');
  }
}

async function main(): Promise<void> {
  buildH5IfNeeded();
  const host = await serveFromEnv({ seedDemo: true });
  console.log(readyLine(host));
  console.log('');
  console.log(`打开 ${host.url} 即可体验（手机尺寸效果最佳：浏览器开发者工具切换到 375×812）`);
  console.log('演示身份（openid → 角色）：');
  for (const d of DEMO_IDENTITIES) {
    console.log(`  ${d.openid.padEnd(22)} ${ROLE_LABEL[d.role].padEnd(5, '　')} ${d.name}  ${d.note}`);
  }
  console.log('切换身份：在 H5 的身份选择页换一个上面的 openid；直接调接口时把 openid 放进请求头 x-wx-openid。');
}

main().catch((e: unknown) => {
  console.error('启动失败：', e instanceof Error ? e.message : e);
  process.exit(1);
});
