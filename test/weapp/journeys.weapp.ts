/**
 * The weapp journeys (journeys.ts) in WeChat's component runtime: `dist/` rendered by
 * miniprogram-simulate with WeChat's wcc, driven by taps, its `wx.cloud` running the cloud functions'
 * own code on the cloud-sim backend. Needs `npm run build:weapp` (test:weapp's check builds it).
 */
import { JOURNEYS, prepare } from './journeys';
import { SimDriver } from './runtime/driver';

jest.setTimeout(120_000);

let d: SimDriver;

beforeAll(async () => {
  d = await SimDriver.start();
  await prepare(d);
});

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
