/**
 * Issue 8 item 6: evidence that is not what it claims, or not the caller's. Each is refused with its
 * code and the field it concerns, and leaves nothing behind: no upload row, no file on disk, no case
 * change. (src/server/host/__tests__/app.test.ts covers the JPEG and MP4 size caps, SVG, multipart
 * shape and identity; this covers the rest of R22's evidence rules end to end.)
 */
import { createHash, randomBytes } from 'crypto';
import fs from 'fs';
import path from 'path';
import type { ActionName, ActionRequest, EvidenceInput } from '../../types/api';
import { LIMITS } from '../../src/core/settings';
import type { HttpReply } from '../support/http';
import { padTo, SAMPLE_FILES } from '../support/media';
import { OWNER, Stage, totalChanges } from './support';

jest.setTimeout(60_000);

let stage: Stage;

beforeAll(async () => {
  stage = await Stage.inProcess();
});
afterAll(async () => {
  await stage?.stop();
});

function uploadRows(): number {
  return stage.db.prepare('SELECT COUNT(*) FROM uploads').pluck(true).get() as number;
}

function filesOnDisk(): string[] {
  const root = path.join(stage.host!.dataDir, 'uploads');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((p) => fs.statSync(path.join(root, p)).isFile()).sort();
}

function refusal(r: HttpReply): [number, string, string | undefined] {
  return r.body.ok ? [r.status, 'ok', undefined] : [r.status, r.body.error.code, r.body.error.field];
}

describe('POST /upload: the bytes decide, and only evidence types get in', () => {
  const notMedia: [string, Buffer][] = [
    ['an HTML page', Buffer.from('<!doctype html><script>fetch("/api/afterSale")</script>')],
    ['a PDF', Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n')],
    ['a Windows executable', Buffer.concat([Buffer.from('MZ'), randomBytes(62)])],
    ['an ELF binary', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), randomBytes(60)])],
    ['a ZIP', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(60)])],
    ['plain text', Buffer.from('衣服领口开线的照片')],
    ['an empty file', Buffer.alloc(0)],
    ['a GIF with a made-up version', Buffer.from('GIF88a\x01\x00\x01\x00', 'latin1')],
    ['a RIFF that is audio, not WEBP', Buffer.concat([Buffer.from('RIFF'), Buffer.from([26, 0, 0, 0]), Buffer.from('WAVEfmt '), Buffer.alloc(14)])],
    ['an MP4 container holding audio (M4A)', Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypM4A '), Buffer.alloc(12)])],
    ['two bytes of a JPEG signature', Buffer.from([0xff, 0xd8])],
  ];

  test.each(notMedia)('%s, declared as image/jpeg "photo.jpg", is INVALID_INPUT on `file`; nothing is stored', async (_what, bytes) => {
    const buyer = stage.newBuyer('up');
    const [rows, files] = [uploadRows(), filesOnDisk()];
    const r = await stage.api.upload(buyer, bytes, 'photo.jpg', 'image/jpeg');
    expect(refusal(r)).toEqual([400, 'INVALID_INPUT', 'file']);
    expect([uploadRows(), filesOnDisk()]).toEqual([rows, files]);
  });

  test('the image cap holds for every image type: a 10 MB WEBP is taken, a HEIC one byte over is not', async () => {
    const buyer = stage.newBuyer('up');
    const atCap = await stage.api.upload(buyer, padTo(SAMPLE_FILES.webp, LIMITS.uploadMaxBytes.image), 'a.webp');
    expect(refusal(atCap)).toEqual([200, 'ok', undefined]);
    const rows = uploadRows();
    const over = await stage.api.upload(buyer, padTo(SAMPLE_FILES.heic, LIMITS.uploadMaxBytes.image + 1), 'b.heic');
    expect(refusal(over)).toEqual([400, 'INVALID_INPUT', 'file']);
    expect(uploadRows()).toBe(rows);
  });

  test('a client’s file name never reaches the disk; a JPEG carrying a script is served as an image, never sniffed', async () => {
    const buyer = stage.newBuyer('up');
    const bytes = Buffer.concat([SAMPLE_FILES.jpeg.bytes, Buffer.from('<script>alert(document.cookie)</script>')]);
    const r = await stage.api.upload(buyer, bytes, '../../../../tmp/evil.html', 'text/html');
    if (!r.body.ok) throw new Error(JSON.stringify(r.body));
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(r.body.data.fileId).toBe(`local://evidence/${buyer}/${sha.slice(0, 32)}.jpg`);
    expect(filesOnDisk().some((f) => f.includes('evil') || f.includes('..'))).toBe(false);
    const served = await stage.api.file(r.body.data.fileId, buyer);
    expect([served.status, served.headers.get('content-type'), served.headers.get('x-content-type-options')]).toEqual([200, 'image/jpeg', 'nosniff']);
  });
});

describe('evidence on a case (R22)', () => {
  async function images(openid: string, n: number): Promise<EvidenceInput[]> {
    const out: EvidenceInput[] = [];
    for (let i = 0; i < n; i += 1) out.push(await stage.upload(openid, 'image'));
    return out;
  }

  /** The call is refused with `code` on `field`, and not one row moves. */
  async function refused<A extends ActionName>(openid: string, action: A, req: ActionRequest<A>, field: string, rule?: string): Promise<void> {
    const before = totalChanges(stage.db);
    const r = await stage.call(openid, action, req);
    expect(refusal(r)).toEqual([400, 'INVALID_INPUT', field]);
    if (rule && !r.body.ok) expect(r.body.error.rule).toBe(rule);
    expect(totalChanges(stage.db)).toBe(before);
  }

  test('apply: 9 images and 1 video are taken; a 10th image, or a 2nd video, is refused on `evidence`', async () => {
    const buyer = stage.newBuyer('ev');
    const o = await stage.seedOrder(buyer);
    const nine = await images(buyer, 9);
    const video = await stage.upload(buyer, 'video');
    const [tenth, secondVideo] = [await stage.upload(buyer, 'image'), await stage.upload(buyer, 'video')];
    await refused(buyer, 'apply', { ...stage.applyRequest(o), evidence: [...nine, tenth] }, 'evidence', 'R22');
    await refused(buyer, 'apply', { ...stage.applyRequest(o), evidence: [...nine, video, secondVideo] }, 'evidence', 'R22');
    await refused(buyer, 'apply', { ...stage.applyRequest(o), evidence: Array.from({ length: 21 }, () => tenth) }, 'evidence');
    const c = await stage.ok(buyer, 'apply', { ...stage.applyRequest(o), evidence: [...nine, video] });
    expect(c.evidence).toHaveLength(10);
  });

  test('addEvidence counts the whole case: past 9 images or 1 video it is refused, and the case does not move', async () => {
    const buyer = stage.newBuyer('ev');
    const o = await stage.seedOrder(buyer);
    const c = await stage.ok(buyer, 'apply', { ...stage.applyRequest(o), evidence: await images(buyer, 8) });
    await refused(buyer, 'addEvidence', { caseId: c._id, evidence: await images(buyer, 2) }, 'evidence', 'R22');
    const nine = await stage.ok(buyer, 'addEvidence', { caseId: c._id, evidence: await images(buyer, 1) });
    await refused(buyer, 'addEvidence', { caseId: c._id, evidence: await images(buyer, 1) }, 'evidence', 'R22');
    const withVideo = await stage.ok(buyer, 'addEvidence', { caseId: c._id, evidence: [await stage.upload(buyer, 'video')] });
    await refused(buyer, 'addEvidence', { caseId: c._id, evidence: [await stage.upload(buyer, 'video')] }, 'evidence', 'R22');
    expect((await stage.get(buyer, c._id)).version).toBe(withVideo.version);
    expect(withVideo.version).toBe(nine.version + 1);
  });

  test('a file id outside the caller’s own prefix is refused on `evidence.<i>.fileId`, however it is dressed', async () => {
    const buyer = stage.newBuyer('pfx');
    const longer = `${buyer}9`;
    const o = await stage.seedOrder(buyer);
    const mine = await stage.upload(buyer);
    const theirs = await stage.upload(longer);
    const name = theirs.fileId.split('/').pop() as string;
    const dressed = [
      theirs.fileId,
      `local://evidence/${buyer}/../${longer}/${name}`,
      `local://evidence//${longer}/${name}`,
      `local://evidence/${buyer.toUpperCase()}/${name}`,
      `cloud://prod-1a2b3c/evidence/${longer}/${name}`,
      `cloud://evidence/${buyer}/${name}`,
      `local://evidence/${buyer}/sub/${name}`,
      `local://evidence/${buyer}/%2e%2e/${name}`,
      `file:///etc/passwd`,
    ];
    for (const fileId of dressed) {
      await refused(buyer, 'apply', { ...stage.applyRequest(o), evidence: [mine, { ...theirs, fileId }] }, 'evidence.1.fileId');
    }
    const c = await stage.ok(buyer, 'apply', { ...stage.applyRequest(o), evidence: [mine] });
    await refused(buyer, 'addEvidence', { caseId: c._id, evidence: [theirs] }, 'evidence.0.fileId', 'R22');
    // The shop cannot file the buyer's own photo as its QC report either.
    await refused(OWNER, 'merchant.addEvidence', { caseId: c._id, evidence: [{ ...mine, tag: 'qc_report' }] }, 'evidence.0.fileId', 'R22');
  });

  test('a SHA-256 that is not the stored bytes’, or a kind that is not theirs, is refused on that field', async () => {
    const buyer = stage.newBuyer('sha');
    const o = await stage.seedOrder(buyer);
    const photo = await stage.upload(buyer);
    const clip = await stage.upload(buyer, 'video');
    const other = createHash('sha256').update('另一张照片').digest('hex');
    const cases: [EvidenceInput, string][] = [
      [{ ...photo, sha256: other }, 'evidence.0.sha256'],
      [{ ...photo, sha256: photo.sha256.toUpperCase() }, 'evidence.0.sha256'],
      [{ ...photo, sha256: photo.sha256.slice(0, 63) }, 'evidence.0.sha256'],
      [{ ...photo, kind: 'video' }, 'evidence.0.kind'],
      [{ ...clip, kind: 'image' }, 'evidence.0.kind'],
      [{ ...photo, fileId: photo.fileId.replace(/\.jpg$/, '.png') }, 'evidence.0.fileId'],
    ];
    for (const [e, field] of cases) await refused(buyer, 'apply', { ...stage.applyRequest(o), evidence: [e] }, field);
    const c = await stage.ok(buyer, 'apply', { ...stage.applyRequest(o), evidence: [photo] });
    await refused(buyer, 'addEvidence', { caseId: c._id, evidence: [{ ...clip, sha256: photo.sha256 }] }, 'evidence.0.sha256');
  });
});
