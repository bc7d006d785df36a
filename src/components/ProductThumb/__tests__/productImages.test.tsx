/**
 * Product pictures on the cards (issue 17 item 5): each card shows the line's picture lazy-loaded in a
 * fixed box, and a neutral placeholder when there is none or it fails to load.
 */
import { act, fireEvent, render, screen } from '@testing-library/react';
import { resetTaroMock } from '../../../../test/taro/taro';
import { BUYER_OPENID, buyerCase, buyerItems, buyerOrder } from '../../../../test/taro/buyerFixtures';
import type { OrderView } from '../../../../types/api';
import { CaseRow } from '../../../merchant/components/CaseRow';
import { mcase, NOW } from '../../../merchant/__fixtures__/cases';
import CasesPage from '../../../pages/cases/index';
import OrdersPage from '../../../pages/index/index';
import { callAfterSale } from '../../../services/cloud';
import { productImageUrl } from '../../../services/productImage';
import { useCasesStore } from '../../../stores/cases';
import { useIdentityStore } from '../../../stores/identity';
import { useOrdersStore } from '../../../stores/orders';
import ProductThumb from '../index';

jest.mock('../../../services/cloud', () => ({ ...jest.requireActual('../../../services/cloud'), callAfterSale: jest.fn() }));
jest.mock('../../../components/StatusTabs', () => () => null);
const call = callAfterSale as jest.MockedFunction<typeof callAfterSale>;
const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));

const thumbsIn = (el: Element) => Array.from(el.querySelectorAll('.product-thumb')) as HTMLElement[];

beforeEach(() => {
  resetTaroMock();
  call.mockReset();
  useOrdersStore.setState({ lists: {}, byId: {}, detailError: {} });
  useCasesStore.setState({ lists: {}, byId: {}, detailError: {}, busy: {} });
  useIdentityStore.setState({ identity: { openid: BUYER_OPENID, role: 'BUYER' } });
});

describe('ProductThumb', () => {
  it('shows the picture lazy-loaded and cropped to fill, and the placeholder once it fails to load', () => {
    const { container } = render(<ProductThumb image="/files/products/SKU-LAMP.png" />);
    const img = container.querySelector('img') as HTMLImageElement;
    expect(img.getAttribute('src')).toBe('/files/products/SKU-LAMP.png');
    expect(img.getAttribute('data-lazy-load')).toBe('true');
    expect(img.getAttribute('data-mode')).toBe('aspectFill');
    // The box has its size before the picture arrives (no layout jump): the size class is on the box.
    expect(thumbsIn(container)[0].className).toContain('product-thumb--md');

    fireEvent.error(img);
    expect(container.querySelector('img')).toBeNull();
    expect(screen.getByLabelText('暂无商品图片')).toBeTruthy();
    expect(thumbsIn(container)[0].className).toContain('product-thumb--md');
  });

  it('shows the placeholder when there is no picture or one this build cannot show', () => {
    for (const image of [undefined, '', 'javascript:alert(1)', 'http://example.com/a.png', '/etc/passwd', 'cloud://env/evidence/o/x.jpg']) {
      const { container, unmount } = render(<ProductThumb image={image} size="sm" />);
      expect(container.querySelector('img')).toBeNull();
      expect(thumbsIn(container)[0].getAttribute('data-image-state')).toBe('placeholder');
      unmount();
    }
  });

  it('maps a cloud file id of a product picture to the host’s file route on h5, as evidence is', () => {
    expect(productImageUrl('cloud://cloudsim-6e1f2a.636c-x/products/SKU-LAMP.png')).toBe('/files/products/SKU-LAMP.png');
    expect(productImageUrl('https://img.example.com/p/1.jpg')).toBe('https://img.example.com/p/1.jpg');
    expect(productImageUrl('/files/products/../x.png')).toBeUndefined();
  });
});

describe('cards with pictures', () => {
  it('order list: each line of a card shows its picture, and the placeholder for a line without one', async () => {
    const items = buyerItems();
    items[0] = { ...items[0], image: '/files/products/SKU-CUP.png' };
    const order: OrderView = buyerOrder({ _id: 'order_img', items });
    call.mockImplementation(((action: string) => {
      if (action === 'order.list') return Promise.resolve({ items: [order], nextCursor: null });
      if (action === 'whoami') return Promise.resolve({ openid: BUYER_OPENID, role: 'BUYER' });
      return Promise.reject(new Error(action));
    }) as typeof callAfterSale);
    render(<OrdersPage />);
    await settle();
    await settle();
    const card = document.querySelector('.order-card') as HTMLElement;
    const thumbs = thumbsIn(card);
    expect(thumbs).toHaveLength(3);
    expect(thumbs[0].querySelector('img')?.getAttribute('src')).toBe('/files/products/SKU-CUP.png');
    expect(thumbs[0].querySelector('img')?.getAttribute('data-lazy-load')).toBe('true');
    expect(thumbs[1].querySelector('img')).toBeNull();
    expect(thumbs[1].getAttribute('data-image-state')).toBe('placeholder');
  });

  it('我的售后: a case card shows the claimed line’s picture; a shipping-fee case shows none', async () => {
    const withImage = buyerCase({ _id: 'C1', itemImage: '/files/products/SKU-CUP.png', itemTitles: ['手绘陶瓷马克杯'] });
    const fee = buyerCase({ _id: 'C2', type: 'SHIPPING_FEE_ONLY', items: [], itemTitles: [] });
    call.mockImplementation(((action: string) =>
      action === 'listMine' ? Promise.resolve({ items: [withImage, fee], nextCursor: null }) : Promise.reject(new Error(action))) as typeof callAfterSale);
    render(<CasesPage />);
    await settle();
    await settle();
    const cards = Array.from(document.querySelectorAll('.case-card'));
    expect(cards).toHaveLength(2);
    expect(cards[0].querySelector('img')?.getAttribute('src')).toBe('/files/products/SKU-CUP.png');
    expect(cards[0].querySelector('img')?.getAttribute('data-lazy-load')).toBe('true');
    expect(thumbsIn(cards[1])).toHaveLength(0);
  });

  it('merchant panel: a row shows the picture, or the placeholder when the case has none', () => {
    const noop = () => undefined;
    const { container, rerender } = render(
      <CaseRow c={mcase({ itemImage: '/files/products/SKU-CUP.png' })} now={NOW} selectable={false} selected={false} showStatus={false} onToggle={noop} onOpen={noop} />,
    );
    expect(container.querySelector('.case-row img')?.getAttribute('src')).toBe('/files/products/SKU-CUP.png');
    rerender(<CaseRow c={mcase({})} now={NOW} selectable={false} selected={false} showStatus={false} onToggle={noop} onOpen={noop} />);
    expect(container.querySelector('.case-row img')).toBeNull();
    expect(thumbsIn(container)[0].getAttribute('data-image-state')).toBe('placeholder');
  });
});
