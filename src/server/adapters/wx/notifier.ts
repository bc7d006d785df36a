import { CASE_STATUSES, type CaseStatus, type Notification, type TemplateFieldMap } from '../../../../types/domain';
import { DEFAULT_TEMPLATE_FIELDS } from '../../../core/settings';
import { STATUS_PHRASES, subscribeData } from '../../../core/subscribeFields';
import type { Notifier } from '../../ports';
import type { WxCloud } from './sdk';

/** Where a tap on the message opens the mini-program: the case's page. */
const CASE_PAGE = 'pages/case/index';

/** Which version of the mini-program a tap opens (subscribeMessage.send `miniprogram_state`). */
export const MINIPROGRAM_STATES = ['developer', 'trial', 'formal'] as const;
export type MiniprogramState = (typeof MINIPROGRAM_STATES)[number];

function isCaseStatus(s: unknown): s is CaseStatus {
  return typeof s === 'string' && (CASE_STATUSES as readonly string[]).includes(s);
}

/**
 * The message's `data`: each value of the notice in the keyword the shop's template has for it
 * (settings `subscribeTemplateFields`, snapshotted on the notice), formatted by that keyword's type.
 * A notice without a map uses the default keys thing1 / character_string2 / time3.
 */
export function templateData(n: Notification, fields: TemplateFieldMap = n.templateFields ?? DEFAULT_TEMPLATE_FIELDS): Record<string, { value: string }> {
  const amount = n.data?.amountFen;
  const status = n.data?.status;
  return subscribeData(fields, {
    progress: n.text,
    caseNo: n.caseId ?? n._id,
    at: n.at,
    amountFen: typeof amount === 'number' ? amount : undefined,
    result: isCaseStatus(status) ? STATUS_PHRASES[status] : n.text,
  });
}

/** The template a notification is sent with, and its key map; undefined when the shop has none for it. */
export type TemplateResolver = (n: Notification) => Promise<{ templateId: string; fields?: TemplateFieldMap } | undefined>;

/**
 * Sends committed notifications with `subscribeMessage.send`. The outbox row is the record either way:
 * a notification without a template id, or one WeChat refuses (the buyer did not subscribe, 43101;
 * the quota is used), is logged and skipped — it never fails the action that produced it.
 */
export class SubscribeMessageNotifier implements Notifier {
  constructor(
    private readonly cloud: Pick<WxCloud, 'openapi'>,
    private readonly templateFor: TemplateResolver,
    private readonly miniprogramState: MiniprogramState = 'formal',
  ) {}

  async send(ns: Notification[]): Promise<void> {
    await Promise.all(ns.map((n) => this.sendOne(n)));
  }

  private async sendOne(n: Notification): Promise<void> {
    let template: { templateId: string; fields?: TemplateFieldMap } | undefined;
    try {
      template = n.templateId ? { templateId: n.templateId, fields: n.templateFields } : await this.templateFor(n);
    } catch (e) {
      console.warn(`subscribe message ${n._id}: could not read the shop's template ids`, e);
      return;
    }
    if (!template?.templateId) {
      console.info(`subscribe message ${n._id} (${n.templateKey}) not sent: the shop has no template id for it`);
      return;
    }
    try {
      await this.cloud.openapi.subscribeMessage.send({
        touser: n.toOpenid,
        templateId: template.templateId,
        page: n.caseId ? `${CASE_PAGE}?id=${encodeURIComponent(n.caseId)}` : CASE_PAGE,
        data: templateData(n, template.fields),
        // The SDK sends camelCase parameters as WeChat's snake_case (miniprogram_state).
        miniprogramState: this.miniprogramState,
        lang: 'zh_CN',
      });
    } catch (e) {
      const err = e as { errCode?: number; errMsg?: string };
      console.warn(`subscribe message ${n._id} to ${n.toOpenid} refused: ${err.errCode ?? ''} ${err.errMsg ?? String(e)}`);
    }
  }
}
