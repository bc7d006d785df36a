import type { Notification } from '../../../../types/domain';
import { shanghai } from '../../../core/time';
import type { Notifier } from '../../ports';
import type { WxCloud } from './sdk';

/** Where a tap on the message opens the mini-program: the case's page. */
const CASE_PAGE = 'pages/case/index';

/** A `thing` field takes at most 20 characters. */
function thing(text: string): string {
  const chars = Array.from(text.trim());
  return chars.length <= 20 ? chars.join('') : `${chars.slice(0, 19).join('')}…`;
}

/**
 * The template's fields. The shop picks its two templates (decision, refund) in the mini-program
 * console with the keywords in this order — 处理进度 (thing1), 售后单号 (character_string2),
 * 更新时间 (time3) — and stores their ids in the shop settings (cloudfunctions/README.md).
 */
export function templateData(n: Notification): Record<string, { value: string }> {
  const data: Record<string, { value: string }> = {
    thing1: { value: thing(n.text) },
    time3: { value: shanghai(n.at).format('YYYY年M月D日 HH:mm') },
  };
  if (n.caseId) data.character_string2 = { value: n.caseId.slice(0, 32) };
  return data;
}

/** The template id a notification is sent with; undefined when the shop has none for it. */
export type TemplateIdResolver = (n: Notification) => Promise<string | undefined>;

/**
 * Sends committed notifications with `subscribeMessage.send`. The outbox row is the record either way:
 * a notification without a template id, or one WeChat refuses (the buyer did not subscribe, 43101;
 * the quota is used), is logged and skipped — it never fails the action that produced it.
 */
export class SubscribeMessageNotifier implements Notifier {
  constructor(
    private readonly cloud: Pick<WxCloud, 'openapi'>,
    private readonly templateIdFor: TemplateIdResolver,
  ) {}

  async send(ns: Notification[]): Promise<void> {
    await Promise.all(ns.map((n) => this.sendOne(n)));
  }

  private async sendOne(n: Notification): Promise<void> {
    let templateId: string | undefined;
    try {
      templateId = n.templateId || (await this.templateIdFor(n));
    } catch (e) {
      console.warn(`subscribe message ${n._id}: could not read the shop's template ids`, e);
      return;
    }
    if (!templateId) {
      console.info(`subscribe message ${n._id} (${n.templateKey}) not sent: the shop has no template id for it`);
      return;
    }
    try {
      await this.cloud.openapi.subscribeMessage.send({
        touser: n.toOpenid,
        templateId,
        page: n.caseId ? `${CASE_PAGE}?id=${encodeURIComponent(n.caseId)}` : CASE_PAGE,
        data: templateData(n),
      });
    } catch (e) {
      const err = e as { errCode?: number; errMsg?: string };
      console.warn(`subscribe message ${n._id} to ${n.toOpenid} refused: ${err.errCode ?? ''} ${err.errMsg ?? String(e)}`);
    }
  }
}
