import { createHash } from 'crypto';
import Taro from '@tarojs/taro';
import { HASH_CHUNK_BYTES, hashFileInChunks, prepareMedia } from '../upload';

const env = process.env.TARO_ENV;
afterEach(() => {
  process.env.TARO_ENV = env;
});

/** A phone's file system holding one file, counting what it hands out per read. */
function phoneWith(path: string, bytes: Uint8Array) {
  const reads: number[] = [];
  const opened = new Set<string>();
  const fsm = {
    open: jest.fn((o: { filePath: string; success(r: { fd: string }): void; fail(e: unknown): void }) => {
      if (o.filePath !== path) return o.fail({ errMsg: 'open:fail no such file or directory' });
      opened.add('fd1');
      o.success({ fd: 'fd1' });
    }),
    read: jest.fn((o: { fd: string; arrayBuffer: ArrayBuffer; offset: number; length: number; position: number; success(r: { bytesRead: number }): void }) => {
      const chunk = bytes.subarray(o.position, o.position + o.length);
      reads.push(chunk.byteLength);
      new Uint8Array(o.arrayBuffer, o.offset, chunk.byteLength).set(chunk);
      o.success({ bytesRead: chunk.byteLength });
    }),
    close: jest.fn((o: { fd: string; success(): void }) => {
      opened.delete(o.fd);
      o.success();
    }),
    readFile: jest.fn(() => {
      throw new Error('the whole file must not be read');
    }),
  };
  (Taro.getFileSystemManager as jest.Mock).mockReturnValue(fsm);
  return { fsm, reads, opened };
}

describe('a 50 MB video hashed on the phone', () => {
  const video = new Uint8Array(50 * 1024 * 1024 + 123);
  for (let i = 0; i < video.length; i += 4096) video[i] = (i / 4096) % 251;

  it('reads it in chunks of at most 1 MB, never whole, and gets the same SHA-256 and size', async () => {
    const { reads, opened, fsm } = phoneWith('wxfile://tmp_video.mp4', video);
    const r = await hashFileInChunks('wxfile://tmp_video.mp4');
    expect(r).toEqual({ sha256: createHash('sha256').update(video).digest('hex'), size: video.length });
    expect(Math.max(...reads)).toBe(HASH_CHUNK_BYTES);
    expect(reads.filter((n) => n > 0)).toHaveLength(51);
    expect(fsm.readFile).not.toHaveBeenCalled();
    expect(opened.size).toBe(0);
  });

  it('prepareMedia on weapp: a video is hashed in chunks, its size what was read', async () => {
    process.env.TARO_ENV = 'weapp';
    const { fsm } = phoneWith('wxfile://tmp_video.mp4', video);
    const m = await prepareMedia({ path: 'wxfile://tmp_video.mp4', kind: 'video', size: 1 });
    expect(m.size).toBe(video.length);
    expect(m.sha256).toBe(createHash('sha256').update(video).digest('hex'));
    expect(fsm.readFile).not.toHaveBeenCalled();
  });

  it('a file that cannot be opened rejects, and nothing is left open', async () => {
    const { opened } = phoneWith('wxfile://tmp_video.mp4', video);
    await expect(hashFileInChunks('wxfile://gone.mp4')).rejects.toEqual({ errMsg: 'open:fail no such file or directory' });
    expect(opened.size).toBe(0);
  });
});
