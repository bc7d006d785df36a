/**
 * DOM stand-ins for the two NutUI components the merchant pages render (its ESM build does not load
 * under jest). They keep what a test needs: which tab is on and switching tabs; a sheet that exists
 * only while visible, with its title, body and footer. The real ones run in the h5 E2E.
 */
import type { ReactNode } from 'react';

interface TabsProps {
  tabs: { key: string; title: string }[];
  value: string;
  onChange(key: string): void;
}

function StatusTabs({ tabs, value, onChange }: TabsProps) {
  return (
    <div role="tablist">
      {tabs.map((t) => (
        <button key={t.key} type="button" role="tab" aria-selected={t.key === value} onClick={() => onChange(t.key)}>
          {t.title}
        </button>
      ))}
    </div>
  );
}

interface SheetProps {
  visible: boolean;
  title: string;
  onClose(): void;
  children: ReactNode;
  footer?: ReactNode;
}

function Sheet({ visible, title, children, footer }: SheetProps) {
  if (!visible) return null;
  return (
    <div role="dialog" aria-label={title}>
      <h2>{title}</h2>
      {children}
      {footer}
    </div>
  );
}

export const statusTabsModule = { __esModule: true, default: StatusTabs };
export const sheetModule = { __esModule: true, Sheet };
