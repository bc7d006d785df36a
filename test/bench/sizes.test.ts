/**
 * The size check in `npm test` (scripts/check-size.ts) is only as good as its split of a weapp build
 * into the main package and the merchant subpackage.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { packageSizes, STAMP } from '../../bench/lib/builds';
import { median, verdict } from '../../bench/lib/stats';

function tree(files: Record<string, number>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aftersale-size-'));
  for (const [rel, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), Buffer.alloc(bytes));
  }
  return dir;
}

describe('packageSizes', () => {
  it('counts everything outside merchant/ as the main package and merchant/ as the subpackage, never the build stamp', () => {
    const dir = tree({
      'app.js': 1_000,
      'vendors.js': 5_000,
      'vendors.js.LICENSE.txt': 30,
      'pages/index/index.js': 700,
      'merchantish/x.js': 11,
      'merchant/pages/panel/index.js': 4_000,
      'merchant/common.wxss': 96,
      [STAMP]: 64,
    });
    const s = packageSizes(dir);
    expect(s.mainBytes).toBe(1_000 + 5_000 + 30 + 700 + 11);
    expect(s.subBytes).toBe(4_000 + 96);
    expect(s.licenseBytes).toBe(30);
    expect(s.largest[0]).toEqual({ file: 'vendors.js', bytes: 5_000 });
    expect(s.largest.map((f) => f.file)).not.toContain('merchant/pages/panel/index.js');
  });

  it('a build without a subpackage (the bare page) has 0 bytes of it', () => {
    expect(packageSizes(tree({ 'app.js': 10 })).subBytes).toBe(0);
  });
});

describe('bench statistics', () => {
  it('median of odd and even counts, NaN for none', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('verdicts are inclusive at the limit and never pass a missing figure', () => {
    expect(verdict(600, { kind: 'max', limit: 600, text: '≤ 600' }).pass).toBe(true);
    expect(verdict(600.5, { kind: 'max', limit: 600, text: '≤ 600' }).pass).toBe(false);
    expect(verdict(50_000, { kind: 'min', limit: 50_000, text: '≥ 50,000' }).pass).toBe(true);
    expect(verdict(Number.NaN, { kind: 'min', limit: 0, text: '≥ 0' }).pass).toBe(false);
  });
});
