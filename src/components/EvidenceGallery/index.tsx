import Taro from '@tarojs/taro';
import { Image, Text, View } from '@tarojs/components';
import type { Evidence } from '../../../types/domain';
import { evidenceUrl, playableUrls } from '../../services/upload';
import { ACTOR_LABELS, EVIDENCE_TAG_LABELS } from '../labels';
import './index.scss';

interface Props {
  evidence: Evidence[];
  emptyText?: string;
  /** Photos in a chat: the row says who sent them, so only a tag (补充凭证 …) is written under one. */
  bare?: boolean;
}

/** The case's evidence as thumbnails (who added it, what it shows); tap to see it full screen. */
export default function EvidenceGallery({ evidence, emptyText = '暂无凭证', bare = false }: Props) {
  if (evidence.length === 0) return <Text className="gallery__empty">{emptyText}</Text>;
  const sources = evidence.map((e) => evidenceUrl(e.fileId));
  const open = (i: number) => {
    const e = evidence[i];
    if (process.env.TARO_ENV === 'weapp') {
      void playableUrls(evidence.map((x) => x.fileId)).then((urls) =>
        Taro.previewMedia({ sources: evidence.map((x, j) => ({ url: urls[j], type: x.kind })), current: i }),
      );
    } else if (e.kind === 'video') {
      window.open(sources[i], '_blank');
    } else {
      const images = evidence.map((x, j) => (x.kind === 'image' ? sources[j] : '')).filter(Boolean);
      void Taro.previewImage({ urls: images, current: sources[i] });
    }
  };
  return (
    <View className="gallery">
      {evidence.map((e, i) => (
        <View key={`${e.fileId}-${i}`} className="gallery__cell" onClick={() => open(i)}>
          {e.kind === 'image' ? <Image className="gallery__img" src={sources[i]} mode="aspectFill" /> : <View className="gallery__video">▶ 视频</View>}
          {bare ? (
            e.tag && <Text className="gallery__label">{EVIDENCE_TAG_LABELS[e.tag]}</Text>
          ) : (
            <Text className="gallery__label">{[e.by ? ACTOR_LABELS[e.by] : '', e.tag ? EVIDENCE_TAG_LABELS[e.tag] : ''].filter(Boolean).join(' · ') || '凭证'}</Text>
          )}
        </View>
      ))}
    </View>
  );
}
