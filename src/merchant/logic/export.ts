import Taro from '@tarojs/taro';

export type ExportOutcome = 'shared' | 'downloaded' | 'copied' | 'cancelled';

function saveInBrowser(fileName: string, content: string): ExportOutcome {
  const blob = new Blob([content], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
  return 'downloaded';
}

/**
 * weapp: writes the file under the user data path and opens WeChat's share sheet, so staff can send it
 * to themselves in a chat and open it on a computer. shareFileMessage only works inside a tap, so the
 * file is written synchronously first. Where sharing is not possible (PC WeChat), the CSV goes to the
 * clipboard instead.
 */
async function saveInWeapp(fileName: string, content: string): Promise<ExportOutcome> {
  const filePath = `${Taro.env.USER_DATA_PATH}/${fileName}`;
  Taro.getFileSystemManager().writeFileSync(filePath, content, 'utf8');
  try {
    await Taro.shareFileMessage({ filePath, fileName });
    return 'shared';
  } catch (e) {
    if (/cancel/.test(String((e as { errMsg?: string })?.errMsg ?? ''))) return 'cancelled';
    await Taro.setClipboardData({ data: content });
    return 'copied';
  }
}

export function exportCsv(fileName: string, content: string): Promise<ExportOutcome> {
  if (process.env.TARO_ENV === 'weapp') return saveInWeapp(fileName, content);
  return Promise.resolve(saveInBrowser(fileName, content));
}
