import { cloudCallError } from '../cloud';

// errMsg texts as WeChat reports them (issue 13: every failed callFunction used to read 「网络异常」).
describe('a failed callFunction names its cause', () => {
  it('a function not deployed', () => {
    const e = cloudCallError('afterSale', { errCode: -501000, errMsg: 'cloud.callFunction:fail Error: errCode: -501000  | errMsg: FunctionName parameter could not be found.' });
    expect(e.message).toBe('云函数 afterSale 还没有部署到当前云开发环境');
    expect(e.solution).toContain('上传并部署');
    expect(e.field).toContain('-501000');
  });

  it('no cloud environment', () => {
    const e = cloudCallError('afterSale', { errCode: -501000, errMsg: 'cloud.callFunction:fail Error: errCode: -501000  | errMsg: Environment not found' });
    expect(e.message).toBe('没有找到云开发环境');
    expect(e.solution).toContain('CLOUD_ENV');
  });

  it('a tourist AppID or cloud development not opened', () => {
    expect(cloudCallError('afterSale', { errCode: -601034, errMsg: 'cloud.callFunction:fail 没有权限，请先开通云开发或者云开发环境' }).message).toContain('游客 AppID');
  });

  it('the function failed while running', () => {
    expect(cloudCallError('afterSale', { errMsg: 'errCode: -404011 cloud function execution error | errMsg: wx is not defined' }).message).toBe('云函数 afterSale 运行出错');
  });

  it('anything else stays a network error, with WeChat’s words kept for support', () => {
    const e = cloudCallError('afterSale', { errMsg: 'cloud.callFunction:fail timeout' });
    expect(e.message).toBe('网络异常，请求没有发出');
    expect(e.field).toBe('callFunction: cloud.callFunction:fail timeout');
  });
});
