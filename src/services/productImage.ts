/**
 * Where a product picture (an order line's `image`, a case's `itemImage`) can be displayed, or
 * undefined when this build cannot show it (the card then shows its neutral placeholder).
 * - `https://…`: as it is, on both builds.
 * - `cloud://<env>/…`: WeChat renders cloud file ids itself; on h5 the local host's cloud-sim backend
 *   serves `cloud://<env>/products/<name>` at `/files/products/<name>`, as it serves evidence.
 * - `/files/products/<name>`: the local host's pictures, same origin as the h5 app; the weapp cannot reach them.
 */
const HOST_PATH = /^\/files\/products\/[A-Za-z0-9_-]{1,64}\.(?:png|jpe?g|webp)$/;
const CLOUD_PRODUCT = /^cloud:\/\/[^/\s]+\/products\/([A-Za-z0-9_-]{1,64}\.(?:png|jpe?g|webp))$/;

export function productImageUrl(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  if (/^https:\/\/\S+$/.test(ref)) return ref;
  const weapp = process.env.TARO_ENV === 'weapp';
  if (ref.startsWith('cloud://')) {
    if (weapp) return ref;
    const m = CLOUD_PRODUCT.exec(ref);
    return m ? `/files/products/${m[1]}` : undefined;
  }
  if (HOST_PATH.test(ref)) return weapp ? undefined : ref;
  return undefined;
}
