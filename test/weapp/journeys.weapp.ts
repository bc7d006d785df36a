/**
 * The weapp journeys (journeys.ts) in WeChat's component runtime: the weapp build rendered by
 * miniprogram-simulate with WeChat's wcc, driven by taps, its `wx.cloud` running the cloud functions'
 * own code on the cloud-sim backend. The build is test:weapp's own (bench/tmp/app-weapp, rebuilt
 * when the sources changed), the one scripts/check-weapp.ts has just compiled with WeChat's tools.
 */
import { ensureBuild } from '../../bench/lib/builds';
import { JOURNEYS, prepare } from './journeys';
import { SimDriver } from './runtime/driver';

jest.setTimeout(120_000);
// A stale build is rebuilt first (a minute or two).
const BUILD_TIMEOUT_MS = 300_000;

let d: SimDriver;

beforeAll(async () => {
  const build = await ensureBuild('app-weapp');
  d = await SimDriver.start(build.dir);
  await prepare(d);
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  await d?.close();
});

describe('weapp journeys in WeChat\'s component runtime, on the cloud functions\' own code', () => {
  for (const j of JOURNEYS) {
    it(j.title, async () => {
      await j.run(d);
    });
  }

  it('no page threw, and no navigation failed, on any launch', () => {
    expect(d.launches.flatMap((mp) => mp.recorded.errors)).toEqual([]);
  });
});
