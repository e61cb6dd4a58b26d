// Confirming an order: stock is held and the payment authorized, and the risk assessment approved it (at once, or
// an operator after a review). AuthorizePayment confirms an order approved at once in the write that records its
// authorization; ConfirmOrder confirms an order approved in review. Both plan it here, so the order is confirmed
// and the customer told the same way, and once: an order confirmed already, or past it, is left as it is.
import type { NoticeContext, PlannedNotice } from './notices';
import { planNotice } from './notices';
import { isForward, withTimeline, type OrderRecord, type RiskAssessment } from './order';

/**
 * The order `CONFIRMED` with its risk assessment, and the `order_confirmation` notice (email, and SMS when the
 * customer opted in); undefined when the order is confirmed already or has moved past it.
 */
export const confirmation = (
  order: OrderRecord,
  risk: RiskAssessment,
  ctx: NoticeContext,
  at: string,
): { next: OrderRecord; notices: PlannedNotice[] } | undefined => {
  if (!isForward(order.status, 'CONFIRMED')) return undefined;
  return {
    next: withTimeline({ ...order, status: 'CONFIRMED', risk }, at, 'ORDER_CONFIRMED'),
    notices: planNotice(order, 'order_confirmation', 'order', ctx, at),
  };
};
