import { mediaPickProblem } from '../upload';

describe('why the album or camera gave nothing (chooseMedia failures, issue 13)', () => {
  it('closing the picker is not a problem', () => {
    expect(mediaPickProblem({ errMsg: 'chooseMedia:fail cancel' })).toBeUndefined();
  });

  it('a privacy guide that does not declare the album and camera (errno 112) is named as the shop’s to fix', () => {
    const p = mediaPickProblem({ errno: 112, errMsg: 'chooseMedia:fail api scope is not declared in the privacy agreement' });
    expect(p?.message).toBe('小程序还没有声明相册和相机的用途，暂时无法选择照片');
    expect(p?.solution).toContain('用户隐私保护指引');
    expect(mediaPickProblem({ errMsg: 'chooseMedia:fail api scope is not declared in the privacy agreement' })).toEqual(p);
  });

  it('a user who has not agreed to the privacy guide (errno 104) is asked to agree', () => {
    expect(mediaPickProblem({ errno: 104, errMsg: 'chooseMedia:fail privacy permission is not authorized' })?.message).toBe('需要同意隐私保护指引后才能选择照片或视频');
  });

  it('WeChat without the camera or album permission is sent to the phone’s settings', () => {
    expect(mediaPickProblem({ errMsg: 'chooseMedia:fail auth deny' })?.message).toBe('微信没有相机或相册权限');
    expect(mediaPickProblem({ errMsg: 'chooseMedia:fail system permission denied' })?.message).toBe('微信没有相机或相册权限');
  });

  it('anything else asks to try again', () => {
    expect(mediaPickProblem(new Error('boom'))).toEqual({ message: '没有读取到照片或视频', solution: '请重试' });
    expect(mediaPickProblem(undefined)).toEqual({ message: '没有读取到照片或视频', solution: '请重试' });
  });
});
