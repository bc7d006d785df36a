/**
 * `npm run test:devtools`: the DevTools specs where WeChat DevTools is installed, a one-line skip
 * (exit 0) where it is not, so the command is safe in `npm test` on any machine.
 */
import { spawnSync } from 'child_process';
import path from 'path';
import { SKIP_LINE, devtoolsCli } from './available';

if (!devtoolsCli()) {
  if (process.env.WECHAT_DEVTOOLS_CLI) console.log(`WECHAT_DEVTOOLS_CLI=${process.env.WECHAT_DEVTOOLS_CLI} does not exist`);
  console.log(SKIP_LINE);
  process.exit(0);
}
const jest = require.resolve('jest/bin/jest');
const r = spawnSync(process.execPath, [jest, '--config', path.join(__dirname, 'jest.config.js'), '--runInBand', ...process.argv.slice(2)], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
