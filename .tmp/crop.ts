import { chromium } from 'playwright-core';
import fs from 'fs';
(async () => {
  const [src, out, y, h] = process.argv.slice(2);
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu'] });
  const p = await b.newPage({ viewport: { width: 375, height: Number(h) } });
  const data = fs.readFileSync(src).toString('base64');
  await p.setContent(`<body style="margin:0"><img src="data:image/png;base64,${data}" style="display:block;margin-top:-${y}px"></body>`);
  await p.screenshot({ path: out });
  await b.close();
})();
