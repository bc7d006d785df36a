import Taro from '@tarojs/taro';
import { askToSubscribe } from '../subscribe';

// The jest Taro stand-in has no subscribe prompt; this suite gives it one it can watch.
const prompt = jest.fn();
(Taro as unknown as { requestSubscribeMessage: typeof prompt }).requestSubscribeMessage = prompt;

const env = process.env.TARO_ENV;
afterEach(() => {
  process.env.TARO_ENV = env;
  prompt.mockReset();
});

describe('asking the buyer to subscribe before applying', () => {
  it('asks once for the shop’s decision and refund templates in the weapp', async () => {
    process.env.TARO_ENV = 'weapp';
    prompt.mockResolvedValue({ errMsg: 'requestSubscribeMessage:ok', 'tpl-decision': 'accept', 'tpl-refund': 'reject' });
    await askToSubscribe({ decision: 'tpl-decision', refund: 'tpl-refund' });
    expect(prompt).toHaveBeenCalledTimes(1);
    expect(prompt.mock.calls[0][0]).toMatchObject({ tmplIds: ['tpl-decision', 'tpl-refund'] });
  });

  it('skips a template the shop left empty and names a shared one once', async () => {
    process.env.TARO_ENV = 'weapp';
    prompt.mockResolvedValue({ errMsg: 'requestSubscribeMessage:ok' });
    await askToSubscribe({ decision: '', refund: 'tpl-refund' });
    await askToSubscribe({ decision: 'tpl-same', refund: 'tpl-same' });
    expect(prompt.mock.calls.map((c) => c[0].tmplIds)).toEqual([['tpl-refund'], ['tpl-same']]);
  });

  it('lets the application go ahead when the buyer refuses or the prompt fails', async () => {
    process.env.TARO_ENV = 'weapp';
    prompt.mockRejectedValue({ errMsg: 'requestSubscribeMessage:fail cancel', errCode: 20004 });
    await expect(askToSubscribe({ decision: 'tpl-decision', refund: 'tpl-refund' })).resolves.toBeUndefined();
    expect(prompt).toHaveBeenCalledTimes(1);
  });

  it('asks nothing in h5, nor for a shop without template ids', async () => {
    process.env.TARO_ENV = 'h5';
    await askToSubscribe({ decision: 'tpl-decision', refund: 'tpl-refund' });
    process.env.TARO_ENV = 'weapp';
    await askToSubscribe({ decision: '', refund: '' });
    await askToSubscribe(undefined);
    expect(prompt).not.toHaveBeenCalled();
  });
});
