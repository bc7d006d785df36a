/**
 * DOM stand-ins for `@tarojs/components` in the jest `pages` project (jsdom), mapped by jest.config.js.
 * The real components run in the E2E layer on the h5 build; here each one renders a plain element
 * that keeps its props observable, so tests assert what a person sees and does:
 * - `onClick` / `onTap` fire on click; a Button with `disabled` or `loading` ignores clicks, as in WeChat.
 * - Input / Textarea call `onInput` and `onBlur` with Taro's event shape `{detail: {value}}`;
 *   `maxlength` truncates like the real control; `type="digit"` renders `inputmode="decimal"`.
 * - ScrollView turns the DOM events `scrolltolower` and `refresherrefresh` into `onScrollToLower` /
 *   `onRefresherRefresh` (fire them with `fireEvent(el, new Event('refresherrefresh'))`).
 * - Button keeps `openType` as `data-open-type` (customer-service `contact` has no DOM meaning).
 * - Image renders an <img> with `src`, `mode` (as `data-mode`) and `lazyLoad` (as `data-lazy-load`); the DOM
 *   `error` and `load` events call `onError` / `onLoad`.
 * Anything else passes through as a <div data-taro="Name">.
 */
import React, { forwardRef, useEffect, useRef } from 'react';

type AnyProps = Record<string, unknown> & { children?: React.ReactNode; className?: string; style?: React.CSSProperties };
type TaroHandler = (e: { detail: Record<string, unknown>; target?: unknown; currentTarget?: unknown; stopPropagation: () => void }) => void;

const PASS_THROUGH = new Set(['id', 'className', 'style', 'role', 'title', 'hidden', 'children']);

/** Keeps DOM-safe props (id, class, style, aria-*, data-*) and drops Taro-only ones. */
function domProps(props: AnyProps): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (PASS_THROUGH.has(k) || k.startsWith('aria-') || k.startsWith('data-')) out[k] = v;
  }
  return out;
}

function taroEvent(detail: Record<string, unknown> = {}) {
  return { detail, stopPropagation: () => undefined };
}

function clickHandler(props: AnyProps) {
  const handler = (props.onClick ?? props.onTap) as TaroHandler | undefined;
  if (!handler) return undefined;
  return (e: React.MouseEvent) => handler({ ...taroEvent({ x: 0, y: 0 }), target: e.target, currentTarget: e.currentTarget, stopPropagation: () => e.stopPropagation() });
}

export const View = forwardRef<HTMLDivElement, AnyProps>(function View(props, ref) {
  return <div ref={ref} {...domProps(props)} onClick={clickHandler(props)} />;
});

export function Text(props: AnyProps) {
  return <span {...domProps(props)} onClick={clickHandler(props)} />;
}

export function Label(props: AnyProps) {
  return <label {...domProps(props)} onClick={clickHandler(props)} />;
}

export function Button(props: AnyProps) {
  const disabled = Boolean(props.disabled) || Boolean(props.loading);
  const click = clickHandler(props);
  return (
    <button
      type="button"
      {...domProps(props)}
      disabled={disabled}
      data-open-type={props.openType as string | undefined}
      data-loading={props.loading ? 'true' : undefined}
      onClick={disabled ? undefined : click}
    />
  );
}

export function Image(props: AnyProps) {
  return (
    <img
      {...domProps(props)}
      src={props.src as string}
      data-mode={props.mode as string | undefined}
      data-lazy-load={props.lazyLoad ? 'true' : undefined}
      alt=""
      onClick={clickHandler(props)}
      onError={() => (props.onError as TaroHandler | undefined)?.(taroEvent({ errMsg: 'GET failed' }))}
      onLoad={() => (props.onLoad as TaroHandler | undefined)?.(taroEvent({}))}
    />
  );
}

export function Video(props: AnyProps) {
  return <video {...domProps(props)} src={props.src as string} onClick={clickHandler(props)} />;
}

function valueHandlers(props: AnyProps) {
  const max = typeof props.maxlength === 'number' && props.maxlength >= 0 ? props.maxlength : undefined;
  const cut = (v: string) => (max === undefined ? v : v.slice(0, max));
  return {
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      (props.onInput as TaroHandler | undefined)?.(taroEvent({ value: cut(e.target.value) }));
    },
    onBlur: (e: React.FocusEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      (props.onBlur as TaroHandler | undefined)?.(taroEvent({ value: cut(e.target.value) }));
    },
    onFocus: () => (props.onFocus as TaroHandler | undefined)?.(taroEvent({})),
  };
}

export function Input(props: AnyProps) {
  const type = props.type as string | undefined;
  return (
    <input
      {...domProps(props)}
      type={props.password ? 'password' : 'text'}
      inputMode={type === 'digit' ? 'decimal' : type === 'number' ? 'numeric' : undefined}
      placeholder={props.placeholder as string | undefined}
      value={(props.value as string | undefined) ?? ''}
      disabled={Boolean(props.disabled)}
      maxLength={typeof props.maxlength === 'number' && props.maxlength >= 0 ? props.maxlength : undefined}
      {...valueHandlers(props)}
    />
  );
}

export function Textarea(props: AnyProps) {
  return (
    <textarea
      {...domProps(props)}
      placeholder={props.placeholder as string | undefined}
      value={(props.value as string | undefined) ?? ''}
      disabled={Boolean(props.disabled)}
      maxLength={typeof props.maxlength === 'number' && props.maxlength >= 0 ? props.maxlength : undefined}
      {...valueHandlers(props)}
    />
  );
}

export function ScrollView(props: AnyProps) {
  const ref = useRef<HTMLDivElement>(null);
  const { onScrollToLower, onRefresherRefresh } = props as { onScrollToLower?: TaroHandler; onRefresherRefresh?: TaroHandler };
  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const lower = () => onScrollToLower?.(taroEvent());
    const refresh = () => onRefresherRefresh?.(taroEvent());
    el.addEventListener('scrolltolower', lower);
    el.addEventListener('refresherrefresh', refresh);
    return () => {
      el.removeEventListener('scrolltolower', lower);
      el.removeEventListener('refresherrefresh', refresh);
    };
  }, [onScrollToLower, onRefresherRefresh]);
  return <div ref={ref} {...domProps(props)} data-refreshing={props.refresherTriggered ? 'true' : undefined} onClick={clickHandler(props)} />;
}

function passThrough(name: string) {
  return function Stub(props: AnyProps) {
    return <div data-taro={name} {...domProps(props)} onClick={clickHandler(props)} />;
  };
}

export const Swiper = passThrough('Swiper');
export const SwiperItem = passThrough('SwiperItem');
export const Navigator = passThrough('Navigator');
export const Form = passThrough('Form');
export const Block = ({ children }: AnyProps) => <>{children}</>;
export const RichText = passThrough('RichText');
export const Icon = passThrough('Icon');
export const Progress = (props: AnyProps) => <progress {...domProps(props)} value={props.percent as number} max={100} />;
