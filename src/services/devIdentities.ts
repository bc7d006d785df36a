import type { Identity } from '../../types/api';
import { CloudError } from './cloud';

/** A demo identity the local host offers on the h5 sign-in page. */
export interface DevIdentity {
  openid: string;
  role: Identity['role'];
  name?: string;
  shopId?: string;
}

interface RawIdentity {
  openid?: unknown;
  role?: unknown;
  name?: unknown;
  label?: unknown;
  shopId?: unknown;
}

function normalise(raw: RawIdentity): DevIdentity | null {
  if (typeof raw.openid !== 'string' || !raw.openid) return null;
  const role = typeof raw.role === 'string' ? (raw.role as Identity['role']) : 'BUYER';
  const name = typeof raw.name === 'string' ? raw.name : typeof raw.label === 'string' ? raw.label : undefined;
  return { openid: raw.openid, role, name, shopId: typeof raw.shopId === 'string' ? raw.shopId : undefined };
}

/**
 * `GET /__dev/identities` on the local host (h5 only). Accepts a list, or `{buyers, merchants}` groups,
 * so the sign-in page keeps working whichever way the host groups them.
 */
export async function fetchDevIdentities(): Promise<DevIdentity[]> {
  let body: { ok?: boolean; data?: unknown; error?: { code: 'INTERNAL_ERROR'; message: string; solution: string } };
  try {
    const res = await fetch('/__dev/identities');
    body = (await res.json()) as typeof body;
  } catch {
    throw new CloudError({ code: 'INTERNAL_ERROR', message: '连不上本地云服务', solution: '请先运行 npm start（或 npm run serve:cloud），再刷新本页' });
  }
  if (!body.ok) throw new CloudError(body.error ?? { code: 'INTERNAL_ERROR', message: '读取演示账号失败', solution: '请刷新重试' });
  const data = body.data;
  const list: RawIdentity[] = Array.isArray(data)
    ? (data as RawIdentity[])
    : data && typeof data === 'object'
      ? Object.values(data as Record<string, unknown>).flatMap((v) => (Array.isArray(v) ? (v as RawIdentity[]) : []))
      : [];
  return list.map(normalise).filter((x): x is DevIdentity => x !== null);
}
