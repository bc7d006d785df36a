import Taro from '@tarojs/taro';
import { resetTaroMock } from '../../../../test/taro/taro';
import { exportCsv } from '../export';

const ENV = process.env.TARO_ENV;
afterEach(() => {
  process.env.TARO_ENV = ENV as 'weapp' | 'h5';
});
beforeEach(() => resetTaroMock());

describe('CSV export', () => {
  it('h5: downloads a Blob with exactly the CSV, under the given file name', async () => {
    process.env.TARO_ENV = 'h5';
    const blobs: Blob[] = [];
    const created = jest.fn((b: Blob) => {
      blobs.push(b);
      return 'blob:stats';
    });
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: jest.fn() });
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);

    await expect(exportCsv('退款数据.csv', '\ufeff原因,单数\n质量问题,6\n')).resolves.toBe('downloaded');
    const clicked = click.mock.contexts[0] as HTMLAnchorElement | undefined;
    expect(clicked?.download).toBe('退款数据.csv');
    expect(clicked?.href).toBe('blob:stats');
    expect(blobs[0].type).toBe('text/csv;charset=utf-8');
    const bytes = await new Promise<ArrayBuffer>((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as ArrayBuffer);
      reader.readAsArrayBuffer(blobs[0]);
    });
    expect(Buffer.from(bytes).equals(Buffer.from('\ufeff原因,单数\n质量问题,6\n', 'utf8'))).toBe(true);
    click.mockRestore();
  });

  it('weapp: writes the file under the user data path, then opens the share sheet', async () => {
    process.env.TARO_ENV = 'weapp';
    const writeFileSync = jest.fn();
    (Taro.getFileSystemManager as jest.Mock).mockReturnValue({ writeFileSync });
    await expect(exportCsv('退款数据.csv', 'a,b\n')).resolves.toBe('shared');
    expect(writeFileSync).toHaveBeenCalledWith('wxfile://usr/退款数据.csv', 'a,b\n', 'utf8');
    expect(Taro.shareFileMessage).toHaveBeenCalledWith({ filePath: 'wxfile://usr/退款数据.csv', fileName: '退款数据.csv' });
    expect(Taro.setClipboardData).not.toHaveBeenCalled();
  });

  it('weapp: a cancelled share is left alone; a share that cannot work copies the CSV instead', async () => {
    process.env.TARO_ENV = 'weapp';
    (Taro.getFileSystemManager as jest.Mock).mockReturnValue({ writeFileSync: jest.fn() });
    (Taro.shareFileMessage as jest.Mock).mockRejectedValueOnce({ errMsg: 'shareFileMessage:fail cancel' });
    await expect(exportCsv('x.csv', 'a\n')).resolves.toBe('cancelled');
    (Taro.shareFileMessage as jest.Mock).mockRejectedValueOnce({ errMsg: 'shareFileMessage:fail not supported' });
    await expect(exportCsv('x.csv', 'a\n')).resolves.toBe('copied');
    expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: 'a\n' });
  });
});
