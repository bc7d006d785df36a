import { useCasesStore } from './cases';
import { useDraftStore } from './draft';
import { useIdentityStore } from './identity';
import { useOrdersStore } from './orders';

/**
 * h5: becomes another demo identity. Everything cached for the previous one (orders, cases, drafts in
 * memory) is dropped first, since reLaunch keeps the JS alive and would otherwise show their orders.
 * Drafts in storage stay: they are keyed by order, and an order has one buyer.
 */
export function switchIdentity(openid: string, name?: string) {
  useOrdersStore.setState({ lists: {}, byId: {}, detailError: {} });
  useCasesStore.setState({ lists: {}, byId: {}, detailError: {}, busy: {} });
  useDraftStore.setState({ drafts: {}, submitting: {} });
  return useIdentityStore.getState().signIn(openid, name);
}
