import { setDevOpenid } from '../identity';
import { evidenceUrl } from '../upload';

const env = process.env.TARO_ENV;
afterEach(() => {
  process.env.TARO_ENV = env;
});

describe('where an evidence file is displayed', () => {
  beforeEach(() => setDevOpenid('oBuyerZhangWei'));

  it('h5: the local host serves local:// files at /files/evidence, the caller in the query', () => {
    process.env.TARO_ENV = 'h5';
    expect(evidenceUrl('local://evidence/oBuyerZhangWei/ab.jpg')).toBe('/files/evidence/oBuyerZhangWei/ab.jpg?openid=oBuyerZhangWei');
  });

  it('h5 on the cloud-sim backend: cloud:// files too (they were broken images)', () => {
    process.env.TARO_ENV = 'h5';
    expect(evidenceUrl('cloud://cloudsim-6e1f2a.636c-cloudsim-6e1f2a-1300000000/evidence/oBuyerZhangWei/ab.jpg')).toBe(
      '/files/evidence/oBuyerZhangWei/ab.jpg?openid=oBuyerZhangWei',
    );
  });

  it('weapp: WeChat renders cloud:// ids itself', () => {
    process.env.TARO_ENV = 'weapp';
    const id = 'cloud://prod-7g3h.7072-prod/evidence/oBuyerZhangWei/ab.jpg';
    expect(evidenceUrl(id)).toBe(id);
  });
});
