/** One caller's event on one case: load the facts → core transition → compare-and-set → effects. */
import type { EvidenceInput } from '../../../types/api';
import type { AfterSaleCase } from '../../../types/domain';
import type { CaseEvent, TransitionResult } from '../../core/context';
import { DomainError } from '../../core/errors';
import { transition } from '../../core/lifecycle';
import type { Access } from '../authz';
import type { Services } from '../ports';
import { type Actor, loadTransitionContext } from './context';
import { commitTransition } from './effects';
import { commitDueTimeouts, expireCase } from './expiry';
import { checkedCase } from './types';

/** The role a caller acts with on a case's history. */
export function actorOf(access: Access): Actor {
  return access.actsAs;
}

/**
 * Applies `event` to the case the access table loaded, as the caller. First every timeout of the case
 * that is past due is committed as SYSTEM (SPEC §3 "Deadlines bind at their moment": schema →
 * identity → timeouts → the action's own guards), so a late answer finds the case moved on and gets
 * CASE_STATE_CHANGED (a late escalation R24's AFTER_SALE_WINDOW_EXPIRED) while the timeout stays
 * committed. The version read then is the one the write expects: anything that changed the case in
 * between makes this call CASE_STATE_CHANGED. `check` runs on the core's answer before anything else
 * is written (e.g. that uploaded files exist).
 */
export async function act(
  svc: Services,
  access: Access,
  event: CaseEvent,
  check?: (result: TransitionResult) => Promise<void>,
): Promise<AfterSaleCase> {
  const stored = checkedCase(access);
  // The write is made ready while the facts are read (on the cloud its transaction starts in the same
  // round trip); used only if no timeout was committed first, since its snapshot predates that commit.
  const prepared = svc.cases.prepare?.();
  try {
    const ctx = await loadTransitionContext(svc, stored, actorOf(access), access.caller.openid, svc.clock.now());
    const c = (await commitDueTimeouts(svc, stored, ctx)).case;
    const facts = c === stored ? ctx : { ...ctx, orderCases: ctx.orderCases.map((o) => (o._id === c._id ? c : o)) };
    const result = transition(c, event, facts);
    if (check) await check(result);
    // The prepared write and the totals the facts read stand only for the case those facts were read with.
    const fresh = c === stored;
    return await commitTransition(svc, c, result, ctx.order, { shop: ctx.shop, prepared: fresh ? prepared : undefined, known: fresh ? ctx.known : undefined });
  } finally {
    prepared?.release();
  }
}

/** `get` and the other reads of one case: the case with its past-due timeouts committed first. */
export function currentCase(svc: Services, access: Access): Promise<AfterSaleCase> {
  return expireCase(svc, checkedCase(access), svc.clock.now());
}

/**
 * R22/R30: each evidence file was uploaded and is what the client says it is. The cloud store may
 * not know a file's hash (sha256 ''), in which case only its existence is checked.
 */
export async function checkEvidenceFiles(svc: Services, evidence: readonly EvidenceInput[]): Promise<void> {
  const stats = await Promise.all(evidence.map((e) => svc.files.stat(e.fileId)));
  stats.forEach((stored, i) => {
    const e = evidence[i];
    if (!stored) {
      throw new DomainError('INVALID_INPUT', {
        field: `evidence.${i}.fileId`,
        message: '凭证文件不存在，可能上传未完成',
        solution: '请重新上传该图片或视频后提交',
      });
    }
    if (stored.sha256 !== '' && stored.sha256 !== e.sha256) {
      throw new DomainError('INVALID_INPUT', {
        field: `evidence.${i}.sha256`,
        message: '凭证文件校验不一致，文件可能已损坏或被替换',
        solution: '请重新上传该图片或视频后提交',
      });
    }
    if (stored.kind !== e.kind) {
      throw new DomainError('INVALID_INPUT', {
        field: `evidence.${i}.kind`,
        message: e.kind === 'video' ? '该文件不是视频' : '该文件不是图片',
        solution: '请确认上传的文件类型后重新提交',
      });
    }
  });
}
