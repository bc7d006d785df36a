import { createHash } from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { shanghaiDate } from '../../../../core/time';
import { openSqlite } from '../../sqlite/open';
import { DevClock } from '../clock';
import { LocalFileStore, parseLocalFileId } from '../files';
import { RandomIdGen } from '../ids';
import { sniffMedia } from '../sniff';
import { createLocalServices } from '../services';
import { makeCase, makeNotification, T0 } from '../../../../../test/support/fixtures';
import { SAMPLE_FILES } from '../../../../../test/support/media';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'aftersale-local-'));
}

describe('sniffMedia', () => {
  it.each(Object.entries(SAMPLE_FILES))('recognises %s from its first bytes', (_name, sample) => {
    expect(sniffMedia(sample.bytes)).toMatchObject({ mime: sample.mime, kind: sample.kind, ext: sample.ext });
  });

  it.each([
    ['plain text', Buffer.from('hello, this is not an image')],
    ['empty', Buffer.alloc(0)],
    ['PDF', Buffer.from('%PDF-1.7\n')],
    ['an ISO-BMFF file of another brand', Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypavif'), Buffer.alloc(12)])],
    ['a JPEG cut after two bytes', Buffer.from([0xff, 0xd8])],
    ['RIFF that is not WEBP', Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WAVE')])],
  ])('refuses %s', (_name, bytes) => {
    expect(sniffMedia(bytes)).toBeNull();
  });
});

describe('LocalFileStore', () => {
  it('stores under evidence/<openid>/<sha prefix>.<ext>, with the hash and size, and stat finds it', async () => {
    const dir = tempDir();
    const store = new LocalFileStore(openSqlite(':memory:'), dir, () => T0);
    const jpeg = SAMPLE_FILES.jpeg;
    const put = store.put('oBuyerA', '../../etc/passwd.jpg', jpeg.bytes, sniffMedia(jpeg.bytes)!);
    const sha = createHash('sha256').update(jpeg.bytes).digest('hex');
    expect(put).toEqual({ fileId: `local://evidence/oBuyerA/${sha.slice(0, 32)}.jpg`, sha256: sha, size: jpeg.bytes.length, kind: 'image' });
    expect(fs.readFileSync(path.join(dir, 'evidence', 'oBuyerA', `${sha.slice(0, 32)}.jpg`))).toEqual(jpeg.bytes);
    expect(await store.stat(put.fileId)).toEqual({ sha256: sha, size: jpeg.bytes.length, kind: 'image' });
    expect(fs.readdirSync(path.join(dir, 'evidence', 'oBuyerA'))).toHaveLength(1);
  });

  it('knows nothing of ids that are malformed, never uploaded, or whose bytes are gone', async () => {
    const dir = tempDir();
    const store = new LocalFileStore(openSqlite(':memory:'), dir, () => T0);
    const put = store.put('oBuyerA', 'a.mp4', SAMPLE_FILES.mp4.bytes, sniffMedia(SAMPLE_FILES.mp4.bytes)!);
    expect(await store.stat('local://evidence/oBuyerA/../oBuyerB/x.jpg')).toBeNull();
    expect(await store.stat('cloud://env/evidence/oBuyerA/x.jpg')).toBeNull();
    expect(await store.stat(put.fileId.replace('oBuyerA', 'oBuyerB'))).toBeNull();
    fs.rmSync(store.locate(put.fileId)!.path);
    expect(await store.stat(put.fileId)).toBeNull();
  });

  it('refuses an openid that is not a safe path segment', () => {
    const store = new LocalFileStore(openSqlite(':memory:'), tempDir(), () => T0);
    expect(() => store.put('../x', 'a.jpg', SAMPLE_FILES.jpeg.bytes, sniffMedia(SAMPLE_FILES.jpeg.bytes)!)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('parses only well-formed local ids', () => {
    expect(parseLocalFileId('local://evidence/oA/0123456789abcdef0123456789abcdef.png')).toEqual({ openid: 'oA', name: '0123456789abcdef0123456789abcdef.png' });
    expect(parseLocalFileId('local://evidence/oA/x/0123456789abcdef0123456789abcdef.png')).toBeNull();
    expect(parseLocalFileId('local://evidence/oA/passwd')).toBeNull();
  });
});

describe('DevClock', () => {
  it('runs with real time from wherever it was set, earlier or later, and keeps the offset across a reopen', () => {
    const dir = tempDir();
    let real = 1_000_000;
    const db = openSqlite(dir);
    const clock = new DevClock(db, () => real);
    expect(clock.now()).toBe(1_000_000);
    clock.set(T0);
    real += 5_000;
    expect(clock.now()).toBe(T0 + 5_000);
    clock.set(T0 - 86_400_000);
    expect(clock.now()).toBe(T0 - 86_400_000);
    db.close();
    real += 1_000;
    const reopened = new DevClock(openSqlite(dir), () => real);
    expect(reopened.now()).toBe(T0 - 86_400_000 + 1_000);
    expect(() => reopened.set(Number.NaN)).toThrow(RangeError);
  });
});

describe('RandomIdGen', () => {
  it('makes case ids AS + the Shanghai date + 8 base32 characters, and prefixed other ids, all distinct', () => {
    const ids = new RandomIdGen();
    // 23:30 UTC is already the next day in Shanghai.
    const lateUtc = Date.UTC(2026, 10, 24, 23, 30);
    const caseIds = Array.from({ length: 2_000 }, () => ids.caseId(lateUtc));
    expect(shanghaiDate(lateUtc)).toBe('2026-11-25');
    for (const id of caseIds) expect(id).toMatch(/^AS20261125[0-9A-HJKMNP-TV-Z]{8}$/);
    expect(new Set(caseIds).size).toBe(caseIds.length);
    expect(ids.id('ntf')).toMatch(/^ntf_[0-9A-HJKMNP-TV-Z]{16}$/);
  });
});

describe('createLocalServices', () => {
  it('wires every port; the notifier marks outbox rows delivered; reset empties tables and uploads but keeps the clock', async () => {
    const dir = tempDir();
    const local = createLocalServices({ dataDir: dir });
    local.dev.setClock(T0);
    local.dev.seed({ shops: [{ _id: 's1', name: '好物小铺', verified: true }] });
    const c = makeCase({ shopId: 's1' });
    const n = makeNotification({ caseId: c._id });
    await local.svc.cases.insert(c, await local.svc.cases.readGuard(c.orderId, c.buyerOpenid), [n]);
    expect(local.dev.outbox()[0].deliveredAt).toBeUndefined();
    await local.svc.notifier.send([n]);
    expect(local.dev.outbox()[0].deliveredAt).toBeGreaterThanOrEqual(T0);
    const up = local.files.put('oBuyerA', 'a.png', SAMPLE_FILES.png.bytes, sniffMedia(SAMPLE_FILES.png.bytes)!);
    local.dev.reset();
    expect(await local.svc.cases.get(c._id)).toBeNull();
    expect(await local.svc.shops.get('s1')).toBeNull();
    expect(local.dev.outbox()).toEqual([]);
    expect(await local.svc.files.stat(up.fileId)).toBeNull();
    expect(fs.existsSync(path.join(dir, 'uploads', 'evidence'))).toBe(false);
    expect(local.svc.clock.now()).toBeGreaterThanOrEqual(T0);
    expect(local.svc.clock.now()).toBeLessThan(T0 + 60_000);
    await local.close();
  });

  it('in memory: uploads go to a temporary directory removed on close; a fixed clock cannot be moved', async () => {
    const local = createLocalServices({ dataDir: ':memory:', clock: { now: () => T0 } });
    const up = local.files.put('oBuyerA', 'a.gif', SAMPLE_FILES.gif.bytes, sniffMedia(SAMPLE_FILES.gif.bytes)!);
    const where = local.files.locate(up.fileId)!.path;
    expect(fs.existsSync(where)).toBe(true);
    expect(() => local.dev.setClock(T0 + 1)).toThrow();
    await local.close();
    expect(fs.existsSync(where)).toBe(false);
  });
});
