import type { AfterSaleCase } from '../../../types/domain';
import { SELLER_RESPONSIBLE_REASONS } from '../../../types/domain';
import { LIMITS } from '../../core/settings';
import { TIER_LABELS } from '../../components/labels';

export type BadgeTone = 'danger' | 'warn' | 'info' | 'muted';

export interface BadgeSpec {
  text: string;
  tone: BadgeTone;
}

/**
 * What a reviewer should notice before opening a case: its tier (分级处理), and the risks the case itself
 * shows — a large amount that can go to 微信小法庭, a suggestion against approving, a seller-responsible
 * claim with no evidence, a platform deadline already missed.
 */
export function caseBadges(c: AfterSaleCase): BadgeSpec[] {
  const out: BadgeSpec[] = [];
  if (c.tier !== 'NORMAL') out.push({ text: TIER_LABELS[c.tier], tone: c.tier === 'LEGAL' ? 'danger' : 'warn' });
  if (c.platformOverdue) out.push({ text: '平台已超时', tone: 'danger' });
  if (c.amountFen >= LIMITS.legalThresholdFen) out.push({ text: '大额', tone: 'warn' });
  if (c.suggestion?.decision === 'REJECT') out.push({ text: '建议拒绝', tone: 'danger' });
  else if (c.suggestion?.decision === 'ASK_EVIDENCE') {
    // The suggestion was made on the application; once the buyer has added proof it is answered.
    const added = c.evidence.some((e) => (e.by === undefined || e.by === 'BUYER') && e.at !== undefined && e.at > c.createdAt);
    out.push(added ? { text: '买家已补凭证', tone: 'info' } : { text: '建议补凭证', tone: 'warn' });
  }
  if (c.evidence.length === 0 && SELLER_RESPONSIBLE_REASONS.includes(c.reason)) out.push({ text: '无凭证', tone: 'warn' });
  if (c.insured) out.push({ text: '运费险', tone: 'info' });
  return out;
}
