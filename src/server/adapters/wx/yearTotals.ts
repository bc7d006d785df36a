/**
 * R3's yearly total of one shop on the cloud (docs/DESIGN.md "Cap guard" and "Cap guard: order
 * cancellations"): the document `total:year:<shopId>:<year>` in `as_counters` holds what the shop's
 * cases hold against that Shanghai year (`fen`) and what its cancelled orders' refunds hold
 * (`ordersFen`). Approvals and cancellations both write it in the transaction that writes the case or
 * the order, so one racing the other writes the same document and the database lets only one commit.
 */
import type { Fen } from '../../../../types/domain';
import { shanghaiYearStart } from '../../../core/time';
import { scanAll } from './docs';
import { COLLECTIONS, type WxDatabase } from './sdk';

/** The stored year total; `ordersFen` is absent on documents written before cancellations counted in it. */
export interface YearTotalDoc {
  fen?: number;
  ordersFen?: number;
}

/**
 * What the shop's orders cancelled in [from, to) hold in refunds (attempts not CLOSED), summed over the
 * stored orders (OrderRepo.shopCancelRefundFen). A query: outside any transaction.
 */
export async function cancelRefundFen(db: WxDatabase, shopId: string, from: number, to: number): Promise<Fen> {
  const _ = db.command;
  const rows = await scanAll(_, db.collection(COLLECTIONS.orders), { shopId, cancelledAt: _.gte(from).and(_.lt(to)) }, 'cancelledAt', {
    _cancelRefundFen: true,
  });
  return rows.reduce((s, r) => s + ((r._cancelRefundFen as number | undefined) ?? 0), 0);
}

/** What the shop's orders cancelled in Shanghai `year` hold: the start of `ordersFen` when the document lacks it. */
export function ordersYearFen(db: WxDatabase, shopId: string, year: number): Promise<Fen> {
  return cancelRefundFen(db, shopId, shanghaiYearStart(year), shanghaiYearStart(year + 1));
}
