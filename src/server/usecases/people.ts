/**
 * SPEC §7 people: a shop comes into being (`setup` / `shop:create`) with a one-time setup code; whoever
 * redeems it (`shop.claim`) is its OWNER; the owner invites staff with one-time codes
 * (`merchant.invite` → `merchant.join`) and removes them; the owner rotates the order-sync key.
 *
 * One WeChat user is a merchant of at most one shop (a merchant of another shop, or the platform,
 * redeeming a code gets FORBIDDEN) and a buyer everywhere. Codes are valid for 24 hours by the host's
 * clock, up to and including their `expiresAt`, and once.
 */
import type { Identity, Invite, PendingInvite, PendingInvites, ShopCreated, StaffList } from '../../../types/api';
import type { AccessCode, AccessCodeKind, EpochMs, Merchant, PaymentSettings, Shop } from '../../../types/domain';
import { DomainError } from '../../core/errors';
import { shopWithDefaults } from '../../core/settings';
import type { Caller } from '../authz';
import { codeHash, newAccessCode, newSyncKey, normaliseCode, syncKeyHash } from '../people/secrets';
import type { Services } from '../ports';
import { merchantShopId, type UseCase } from './types';

export const CODE_TTL_MS = 24 * 60 * 60 * 1000;
/** Redemptions that lost a race re-read and judge again this many times before giving up. */
const REDEEM_ATTEMPTS = 5;

export interface NewShop {
  name: string;
  payment?: PaymentSettings;
  /** Whether the shop's WeChat Pay account is verified (R5); the platform vouches for it at setup (default true). */
  verified?: boolean;
}

/** `setup` / `shop:create`: a new shop (every setting at its default) and its one-time setup code. */
export async function createShop(svc: Services, input: NewShop, by: string): Promise<ShopCreated> {
  const now = svc.clock.now();
  const shop: Shop = shopWithDefaults({
    _id: svc.ids.id('shop'),
    name: input.name.trim(),
    verified: input.verified ?? true,
    settings: input.payment ? { payment: input.payment } : {},
  });
  const setupCode = newAccessCode();
  const code: AccessCode = {
    hash: codeHash(setupCode),
    kind: 'SETUP',
    shopId: shop._id,
    role: 'OWNER',
    createdAt: now,
    expiresAt: now + CODE_TTL_MS,
    createdBy: by,
  };
  if (!(await svc.people.createShop(shop, code))) throw new Error(`shop id ${shop._id} is taken`);
  return { shopId: shop._id, setupCode, expiresAt: code.expiresAt };
}

async function identityOf(svc: Services, m: Merchant): Promise<Identity> {
  const shop = await svc.shops.get(m.shopId);
  return { openid: m.openid, role: m.role, shopId: m.shopId, ...(shop ? { shopName: shop.name } : {}) };
}

const CODE_WORDS: Record<AccessCodeKind, string> = { SETUP: '开店码', INVITE: '邀请码' };

/**
 * The one path by which anybody becomes a merchant. A code of the wrong kind reads like an unknown one;
 * redeeming it again once it made you what it makes you changes nothing and answers who you are.
 */
async function redeem(svc: Services, caller: Caller, code: string, kind: AccessCodeKind, field: string): Promise<Identity> {
  const hash = codeHash(code);
  const word = CODE_WORDS[kind];
  for (let attempt = 1; attempt <= REDEEM_ATTEMPTS; attempt += 1) {
    const now = svc.clock.now();
    const stored = await svc.people.getCode(hash);
    if (!stored || stored.kind !== kind) throw new DomainError('INVALID_INPUT', { field, message: `${word}不正确，请核对后重新输入` });
    // Read fresh (never the cached role): this decides what the caller becomes.
    const before = await svc.people.merchant(caller.openid);
    if (before && before.role === 'PLATFORM') {
      throw new DomainError('FORBIDDEN', { message: '平台审核账号不能同时成为店铺商家', solution: '请使用另一个微信账号加入店铺' });
    }
    if (before && before.shopId !== stored.shopId) {
      throw new DomainError('FORBIDDEN', {
        message: '你已是其他店铺的商家，一个微信账号只能管理一个店铺',
        solution: '请先让原店铺店主将你移除，或使用另一个微信账号',
      });
    }
    if (stored.revokedAt !== undefined) throw new DomainError('INVALID_INPUT', { field, message: `该${word}已被店主撤销，请向店主索取新的${word}` });
    if (before && (before.role === 'OWNER' || before.role === stored.role)) return identityOf(svc, before);
    if (stored.usedAt !== undefined) throw new DomainError('INVALID_INPUT', { field, message: `该${word}已被使用，请向${kind === 'SETUP' ? '平台' : '店主'}索取新的${word}` });
    if (now > stored.expiresAt) throw new DomainError('INVALID_INPUT', { field, message: `该${word}已过期（有效期24小时），请向${kind === 'SETUP' ? '平台' : '店主'}索取新的${word}` });
    const merchant: Merchant = { openid: caller.openid, shopId: stored.shopId, role: stored.role, since: now };
    if (before?.name !== undefined) merchant.name = before.name;
    if (await svc.people.redeem(hash, now, merchant, before)) return identityOf(svc, merchant);
  }
  throw new DomainError('CASE_STATE_CHANGED', { message: `${word}正在被使用，请稍后重试` });
}

export const claimShop: UseCase<'shop.claim'> = (svc, { caller }, input) => redeem(svc, caller, input.setupCode, 'SETUP', 'setupCode');

export const join: UseCase<'merchant.join'> = (svc, { caller }, input) => redeem(svc, caller, input.code, 'INVITE', 'code');

export const invite: UseCase<'merchant.invite'> = async (svc, access, input): Promise<Invite> => {
  const now = svc.clock.now();
  const code = newAccessCode();
  await svc.people.addCode({
    hash: codeHash(code),
    kind: 'INVITE',
    shopId: merchantShopId(access),
    role: input.role,
    createdAt: now,
    expiresAt: now + CODE_TTL_MS,
    createdBy: access.caller.openid,
    id: svc.ids.id('inv'),
    hint: normaliseCode(code).slice(-INVITE_HINT_LENGTH),
  });
  return { code, expiresAt: now + CODE_TTL_MS };
};

/** How many of a code's last characters the owner's list shows (the rest stays secret). */
const INVITE_HINT_LENGTH = 3;

/** The id an invite is listed and revoked by: its own, or for codes made before ids, a prefix of its hash. */
export function pendingInviteId(c: AccessCode): string {
  return c.id ?? `h${c.hash.slice(0, 16)}`;
}

/** The shop's invite codes still waiting to be redeemed (unused and unexpired), newest first. */
async function pendingInvites(svc: Services, shopId: string): Promise<{ code: AccessCode; view: PendingInvite }[]> {
  const now = svc.clock.now();
  const codes = await svc.people.unusedCodes(shopId, 'INVITE');
  return codes
    .filter((c) => c.usedAt === undefined && now <= c.expiresAt)
    .sort((a, b) => b.createdAt - a.createdAt || pendingInviteId(a).localeCompare(pendingInviteId(b)))
    .map((c) => ({
      code: c,
      view: { id: pendingInviteId(c), ...(c.hint !== undefined ? { hint: c.hint } : {}), createdAt: c.createdAt, expiresAt: c.expiresAt },
    }));
}

export const listInvites: UseCase<'merchant.invites'> = async (svc, access): Promise<PendingInvites> => ({
  invites: (await pendingInvites(svc, merchantShopId(access))).map((p) => p.view),
});

/** Revoked: the code is spent (redeeming it is refused as revoked); the list comes back without it. */
export const revokeInvite: UseCase<'merchant.revokeInvite'> = async (svc, access, input): Promise<PendingInvites> => {
  const shopId = merchantShopId(access);
  const found = (await pendingInvites(svc, shopId)).find((p) => p.view.id === input.id);
  if (!found || !(await svc.people.revokeCode(shopId, found.code.hash, svc.clock.now(), access.caller.openid))) {
    throw new DomainError('INVALID_INPUT', { field: 'id', message: '该邀请已被接受、已过期或已撤销' });
  }
  return { invites: (await pendingInvites(svc, shopId)).map((p) => p.view) };
};

async function staffList(svc: Services, shopId: string): Promise<StaffList> {
  const [merchants, key] = await Promise.all([svc.merchants.listForShop(shopId), svc.people.syncKey(shopId)]);
  const members = merchants
    .filter((m): m is Merchant & { role: 'OWNER' | 'STAFF' } => m.role === 'OWNER' || m.role === 'STAFF')
    .sort((a, b) => Number(b.role === 'OWNER') - Number(a.role === 'OWNER') || (a.since ?? 0) - (b.since ?? 0) || a.openid.localeCompare(b.openid))
    .map((m) => ({ openid: m.openid, role: m.role, ...(m.name !== undefined ? { name: m.name } : {}), ...(m.since !== undefined ? { since: m.since } : {}) }));
  return { members, ...(key ? { syncKeyRotatedAt: key.rotatedAt } : {}) };
}

export const listStaff: UseCase<'merchant.staff.list'> = (svc, access) => staffList(svc, merchantShopId(access));

export const removeStaff: UseCase<'merchant.removeStaff'> = async (svc, access, input) => {
  const shopId = merchantShopId(access);
  if (input.openid === access.caller.openid) {
    throw new DomainError('INVALID_INPUT', { field: 'openid', message: '店主不能移除自己' });
  }
  if (!(await svc.people.removeStaff(shopId, input.openid))) {
    throw new DomainError('INVALID_INPUT', { field: 'openid', message: '该用户不是本店客服（可能已被移除）' });
  }
  return staffList(svc, shopId);
};

/** The new key is returned this once; only its hash is kept, and the previous key stops working now. */
export const rotateSyncKey: UseCase<'merchant.syncKey.rotate'> = async (svc, access): Promise<{ key: string; rotatedAt: EpochMs }> => {
  const key = newSyncKey();
  const rotatedAt = svc.clock.now();
  await svc.people.setSyncKey({ shopId: merchantShopId(access), hash: syncKeyHash(key), rotatedAt, rotatedBy: access.caller.openid });
  return { key, rotatedAt };
};
