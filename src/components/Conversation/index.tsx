import Taro from '@tarojs/taro';
import { Button, Image, Text, Textarea, View } from '@tarojs/components';
import { useState } from 'react';
import type { EvidenceInput } from '../../../types/api';
import type { Actor, Evidence, Message } from '../../../types/domain';
import { codePointLength } from '../../core/rules';
import { LIMITS } from '../../core/settings';
import { formatTime } from '../../core/time';
import { describeError } from '../../services/cloud';
import { evidenceUrl, pickMedia, prepareMedia, tooLarge, uploadEvidence } from '../../services/upload';
import EvidenceGallery from '../EvidenceGallery';
import './index.scss';

type Party = 'BUYER' | 'MERCHANT' | 'PLATFORM';

interface Props {
  messages: Message[];
  /** Whose page this is: their messages on the right, named 我. */
  viewer: Party;
  /** The viewer's openid, for the upload prefix. */
  openid: string;
  /** The case's evidence, to tell how many more photos the viewer's side may send (R22). */
  evidence: Evidence[];
  /** Absent: the conversation is read only (the case is closed, or this viewer may not talk on it). */
  onSend?: (text: string, evidence: EvidenceInput[]) => Promise<boolean>;
  buyerOpenid: string;
}

const NAMES: Record<Actor, string> = { BUYER: '买家', MERCHANT: '商家', PLATFORM: '平台', SYSTEM: '自动回复' };

/** Photos and a video this side may still send (R22: 9 and 1 per party, across the whole case). */
function room(evidence: Evidence[], viewer: Party, buyerOpenid: string): { images: number; videos: number } {
  const mine = evidence.filter((e) => (e.by ?? (e.fileId.includes(`/evidence/${buyerOpenid}/`) ? 'BUYER' : 'MERCHANT')) === viewer);
  return {
    images: LIMITS.maxImages - mine.filter((e) => e.kind === 'image').length,
    videos: LIMITS.maxVideos - mine.filter((e) => e.kind === 'video').length,
  };
}

/**
 * SPEC §6 协商记录: every message of the case (the shop's auto-reply, the buyer, the shop, the platform)
 * as a chat, with its photos, and a box to write one with photos when the viewer may.
 */
export default function Conversation({ messages, viewer, openid, evidence, onSend, buyerOpenid }: Props) {
  const [text, setText] = useState('');
  const [files, setFiles] = useState<EvidenceInput[]>([]);
  const [progress, setProgress] = useState<string>();
  const [sending, setSending] = useState(false);
  const left = room(evidence, viewer, buyerOpenid);
  const freeImages = left.images - files.filter((f) => f.kind === 'image').length;
  const freeVideos = left.videos - files.filter((f) => f.kind === 'video').length;
  const n = codePointLength(text.trim());

  const addPhoto = async () => {
    if (freeImages <= 0 && freeVideos <= 0) {
      void Taro.showToast({ title: '凭证数量已达上限', icon: 'none' });
      return;
    }
    let picked;
    try {
      picked = await pickMedia(freeImages, freeVideos);
    } catch {
      return;
    }
    try {
      for (const [i, m] of picked.entries()) {
        if (tooLarge(m)) {
          void Taro.showToast({ title: '文件太大，没有上传', icon: 'none' });
          continue;
        }
        setProgress(`上传中 ${i + 1}/${picked.length}`);
        const prepared = await prepareMedia(m);
        const up = await uploadEvidence(prepared, openid, (p) => setProgress(`上传中 ${p}%`));
        setFiles((list) => [...list, { fileId: up.fileId, kind: m.kind, sha256: up.sha256 }]);
      }
    } catch (e) {
      const { message, solution } = describeError(e);
      void Taro.showModal({ title: message, content: solution, showCancel: false, confirmText: '知道了' });
    } finally {
      setProgress(undefined);
    }
  };

  const send = async () => {
    if (!onSend || sending) return;
    if (n < 1) {
      void Taro.showToast({ title: files.length > 0 ? '请写一句说明再发送' : '请输入留言内容', icon: 'none' });
      return;
    }
    if (n > LIMITS.messageMaxChars) {
      void Taro.showToast({ title: `留言最多${LIMITS.messageMaxChars}字`, icon: 'none' });
      return;
    }
    setSending(true);
    try {
      if (await onSend(text.trim(), files)) {
        setText('');
        setFiles([]);
      }
    } finally {
      setSending(false);
    }
  };

  return (
    <View className="talk">
      {messages.length === 0 && <Text className="talk__empty">还没有留言</Text>}
      {messages.map((m, i) => {
        const mine = m.from === viewer;
        const system = m.from === 'SYSTEM';
        return (
          <View key={`${m.at}-${i}`} className={`talk__row${mine ? ' talk__row--mine' : ''}${system ? ' talk__row--system' : ''}`}>
            <Text className="talk__who">
              {mine ? '我' : NAMES[m.from]} · {formatTime(m.at).slice(5)}
            </Text>
            <View className={`talk__bubble talk__bubble--${m.from.toLowerCase()}`}>
              <Text className="talk__text">{m.text}</Text>
              {m.evidence && m.evidence.length > 0 && (
                <View className="talk__photos">
                  <EvidenceGallery evidence={m.evidence} bare />
                </View>
              )}
            </View>
          </View>
        );
      })}
      {onSend && (
        <View className="talk__compose">
          {files.length > 0 && (
            <View className="talk__files">
              {files.map((f) =>
                f.kind === 'image' ? (
                  <Image key={f.fileId} className="talk__thumb" src={evidenceUrl(f.fileId)} mode="aspectFill" />
                ) : (
                  <View key={f.fileId} className="talk__thumb talk__thumb--video">
                    ▶
                  </View>
                ),
              )}
            </View>
          )}
          <View className="talk__box">
            <Textarea
              className="talk__input"
              value={text}
              maxlength={-1}
              autoHeight
              placeholder={viewer === 'BUYER' ? '和商家说点什么，可附照片' : viewer === 'PLATFORM' ? '给买卖双方留言' : '回复买家，可附照片'}
              onInput={(e) => setText(e.detail.value)}
            />
          </View>
          <View className="talk__actions">
            <Text className={`talk__count${n > LIMITS.messageMaxChars ? ' talk__count--over' : ''}`}>
              {n}/{LIMITS.messageMaxChars}
            </Text>
            <Button className="btn btn--small talk__photo" disabled={progress !== undefined || undefined} onClick={() => void addPhoto()}>
              {progress ?? '添加照片'}
            </Button>
            <Button
              className={`btn btn--small btn--primary talk__send${sending || progress ? ' btn--disabled' : ''}`}
              disabled={sending || progress !== undefined || undefined}
              onClick={() => void send()}
            >
              发送
            </Button>
          </View>
        </View>
      )}
    </View>
  );
}
