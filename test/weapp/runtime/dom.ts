/**
 * The page layer's document: miniprogram-simulate, j-component and exparser render into a jsdom
 * document found through the usual browser globals. The suite runs in jest's node environment (the
 * cloud-sim backend needs Node's own globals), so the few browser globals they use are installed here.
 *
 * Gotchas (issue 13): Node's own `Event`/`EventTarget` must not be what j-component constructs, or
 * jsdom refuses to dispatch them; and the page code must not see a Node `process` as Node's, or
 * js-sha256 takes its Node path (`require('crypto')`), which does not exist on the phone.
 */
import { JSDOM } from 'jsdom';

const BROWSER_GLOBALS = [
  'window',
  'document',
  'navigator',
  'Node',
  'Element',
  'HTMLElement',
  'HTMLStyleElement',
  'Text',
  'Comment',
  'DocumentFragment',
  'Event',
  'EventTarget',
  'CustomEvent',
  'MouseEvent',
  'TouchEvent',
  'UIEvent',
  'FocusEvent',
  'KeyboardEvent',
  'MutationObserver',
  'getComputedStyle',
  'requestAnimationFrame',
  'cancelAnimationFrame',
] as const;

export interface InstalledDom {
  dom: JSDOM;
  restore(): void;
}

export function installDom(): InstalledDom {
  const dom = new JSDOM('<!doctype html><html><head></head><body></body></html>', { url: 'https://servicewechat.com/wxsim/0/page-frame.html', pretendToBeVisual: true });
  const g = globalThis as unknown as Record<string, unknown>;
  const w = dom.window as unknown as Record<string, unknown>;
  const saved = new Map<string, PropertyDescriptor | undefined>();
  for (const name of BROWSER_GLOBALS) {
    saved.set(name, Object.getOwnPropertyDescriptor(g, name));
    const value = name === 'window' ? dom.window : typeof w[name] === 'function' && /^[a-z]/.test(name) ? (w[name] as (...a: unknown[]) => unknown).bind(dom.window) : w[name];
    Object.defineProperty(g, name, { value, configurable: true, writable: true });
  }
  // The bundle's js-sha256 reads its switches from Taro's own `window` shim, and takes Node's path
  // whenever `process.versions.node` is there and `process.type` is not 'renderer': the phone has no Node.
  const proc = process as unknown as { type?: string };
  const savedType = proc.type;
  proc.type = 'renderer';
  return {
    dom,
    restore() {
      for (const [name, d] of saved) {
        if (d) Object.defineProperty(g, name, d);
        else delete g[name];
      }
      proc.type = savedType;
      dom.window.close();
    },
  };
}
