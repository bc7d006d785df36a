import fs from 'fs';

export const SKIP_LINE = 'skipped: set WECHAT_DEVTOOLS_CLI to the WeChat DevTools cli path to run these';

/** The DevTools command-line tool, when this machine has one (macOS: …/wechatwebdevtools.app/Contents/MacOS/cli). */
export function devtoolsCli(): string | undefined {
  const cli = process.env.WECHAT_DEVTOOLS_CLI;
  return cli && fs.existsSync(cli) ? cli : undefined;
}
