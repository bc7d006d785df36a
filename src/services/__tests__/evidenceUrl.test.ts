import Taro from '@tarojs/taro';
import { setDevOpenid } from '../identity';
import { evidenceUrl, playableUrl, playableUrls } from '../upload';

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

describe('URLs WeChat can preview and play (issue 13: previewMedia and <video> take no cloud:// id)', () => {
  const target = Taro as unknown as { cloud?: unknown };
  const getTempFileURL = jest.fn();
  beforeEach(() => {
    target.cloud = { getTempFileURL };
    getTempFileURL.mockReset();
  });

  it('weapp: cloud:// ids become temporary URLs; one it cannot resolve stays as it was', async () => {
    process.env.TARO_ENV = 'weapp';
    const a = 'cloud://prod.bucket/evidence/o1/a.jpg';
    const b = 'cloud://prod.bucket/evidence/o1/b.mp4';
    getTempFileURL.mockResolvedValue({ fileList: [{ fileID: a, tempFileURL: 'https://tmp.example/a.jpg' }, { fileID: b, tempFileURL: '' }] });
    expect(await playableUrls([a, b])).toEqual(['https://tmp.example/a.jpg', b]);
    expect(getTempFileURL).toHaveBeenCalledWith({ fileList: [a, b] });
  });

  it('weapp: an uploaded video opens by its temporary URL, one still on the phone by its own path', async () => {
    process.env.TARO_ENV = 'weapp';
    const v = 'cloud://prod.bucket/evidence/o1/v.mp4';
    getTempFileURL.mockResolvedValue({ fileList: [{ fileID: v, tempFileURL: 'https://tmp.example/v.mp4' }] });
    expect(await playableUrl({ fileId: v, path: 'wxfile://tmp_1.mp4' })).toBe('https://tmp.example/v.mp4');
    expect(await playableUrl({ path: 'wxfile://tmp_2.mp4' })).toBe('wxfile://tmp_2.mp4');
    expect(getTempFileURL).toHaveBeenCalledTimes(1);
  });

  it('h5: no cloud call, the host’s URLs', async () => {
    process.env.TARO_ENV = 'h5';
    expect(await playableUrls(['local://evidence/oBuyerZhangWei/a.jpg'])).toEqual(['/files/evidence/oBuyerZhangWei/a.jpg?openid=oBuyerZhangWei']);
    expect(getTempFileURL).not.toHaveBeenCalled();
  });
});
