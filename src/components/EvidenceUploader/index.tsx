import { Image, Text, View } from '@tarojs/components';
import type { EvidenceKind } from '../../../types/domain';
import './index.scss';

export interface UploaderItem {
  id: string;
  kind: EvidenceKind;
  /** Displayable source: local temp path while uploading, served URL afterwards. */
  src: string;
  thumb?: string;
  status: 'preparing' | 'uploading' | 'done' | 'failed';
  progress: number;
  tagLabel?: string;
}

interface Props {
  items: UploaderItem[];
  maxImages: number;
  maxVideos: number;
  onAdd: () => void;
  onRemove: (id: string) => void;
  onRetry: (id: string) => void;
  onPreview: (id: string) => void;
  /** Tapping the tag line lets the buyer say what the file shows (物流截图, 签收时拍照…). */
  onTag?: (id: string) => void;
  disabled?: boolean;
}

function statusText(it: UploaderItem): string {
  if (it.status === 'preparing') return '处理中';
  if (it.status === 'uploading') return `${it.progress}%`;
  if (it.status === 'failed') return '上传失败';
  return '';
}

/** Photo/video evidence picker: a grid of thumbnails with upload progress, retry, remove and the add cell. */
export default function EvidenceUploader({ items, maxImages, maxVideos, onAdd, onRemove, onRetry, onPreview, onTag, disabled = false }: Props) {
  const images = items.filter((i) => i.kind === 'image').length;
  const videos = items.filter((i) => i.kind === 'video').length;
  const full = images >= maxImages && videos >= maxVideos;
  return (
    <View className="uploader">
      {items.map((it) => (
        <View key={it.id} className={`uploader__cell uploader__cell--${it.status}`} data-testid="evidence-cell">
          <View className="uploader__media" onClick={() => (it.status === 'failed' ? onRetry(it.id) : onPreview(it.id))}>
            {it.kind === 'image' ? (
              <Image className="uploader__img" src={it.src} mode="aspectFill" />
            ) : it.thumb ? (
              <Image className="uploader__img" src={it.thumb} mode="aspectFill" />
            ) : (
              <View className="uploader__video">▶ 视频</View>
            )}
            {it.status !== 'done' && (
              <View className="uploader__mask">
                <Text>{statusText(it)}</Text>
                {it.status === 'failed' && <Text className="uploader__retry">点击重试</Text>}
              </View>
            )}
            {it.status === 'uploading' && (
              <View className="uploader__bar">
                <View className="uploader__bar-fill" style={{ width: `${it.progress}%` }} />
              </View>
            )}
          </View>
          <View className="uploader__remove" aria-label="删除" onClick={() => onRemove(it.id)}>
            ×
          </View>
          {onTag && (
            <View className="uploader__tag" onClick={() => onTag(it.id)}>
              {it.tagLabel ?? '标注类型'}
            </View>
          )}
        </View>
      ))}
      {!full && (
        <View className={`uploader__add ${disabled ? 'uploader__add--disabled' : ''}`} onClick={disabled ? undefined : onAdd}>
          <Text className="uploader__plus">＋</Text>
          <Text className="uploader__add-text">照片/视频</Text>
          <Text className="uploader__count">
            {images}/{maxImages} · {videos}/{maxVideos}
          </Text>
        </View>
      )}
    </View>
  );
}
