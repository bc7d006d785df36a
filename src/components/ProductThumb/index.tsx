import { Image, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { productImageUrl } from '../../services/productImage';
import './index.scss';

interface Props {
  /** The line's `image` (or a case's `itemImage`); absent: the placeholder. */
  image?: string;
  /** sm 44 px (case and panel cards), md 56 px (order cards, checkout, apply), lg 72 px. */
  size?: 'sm' | 'md' | 'lg';
  className?: string;
}

/**
 * A product's picture in a fixed box: lazy-loaded (fetched when it nears the screen), cropped to fill,
 * and a neutral placeholder when there is none or it fails to load. The box has its size before the
 * picture arrives, so nothing moves when it does.
 */
export default function ProductThumb({ image, size = 'md', className = '' }: Props) {
  const src = productImageUrl(image);
  const [failed, setFailed] = useState(false);
  useEffect(() => setFailed(false), [src]);
  const shown = src !== undefined && !failed;
  return (
    <View className={`product-thumb product-thumb--${size} ${className}`.trim()} data-image-state={shown ? 'image' : 'placeholder'}>
      {shown ? (
        <Image className="product-thumb__img" src={src} mode="aspectFill" lazyLoad onError={() => setFailed(true)} />
      ) : (
        <View className="product-thumb__blank" aria-label="暂无商品图片">
          <View className="product-thumb__glyph" />
        </View>
      )}
    </View>
  );
}
