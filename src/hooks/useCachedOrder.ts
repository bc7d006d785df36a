import { useEffect } from 'react';
import type { OrderView } from '../../types/api';
import { useOrdersStore } from '../stores/orders';

/**
 * One order for a page that only shows it (product, checkout, help): taken from the store when the
 * list or detail already loaded it, else asked for once.
 */
export function useCachedOrder(orderId: string | undefined): {
  order?: OrderView;
  error?: { message: string; solution: string };
  retry: () => void;
} {
  const order = useOrdersStore((s) => (orderId ? s.byId[orderId] : undefined));
  const error = useOrdersStore((s) => (orderId ? s.detailError[orderId] : undefined));
  const fetchOrder = useOrdersStore((s) => s.fetchOrder);
  useEffect(() => {
    if (orderId && !useOrdersStore.getState().byId[orderId]) void fetchOrder(orderId);
  }, [orderId, fetchOrder]);
  return { order, error, retry: () => void (orderId && fetchOrder(orderId)) };
}
