import { flushSync } from 'react-dom';
import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export const customerTabs = ['details', 'prescription', 'documents', 'history'] as const;
export type CustomerTab = (typeof customerTabs)[number];

/**
 * An existing customer's tabs: the others mount on their first visit and then stay, so what is typed
 * in one survives a look at another. `baseId` makes the tab and panel ids.
 */
export function useCustomerTabs(baseId: string) {
  const [tab, setTab] = useState<CustomerTab>('details');
  const [visited, setVisited] = useState<ReadonlySet<CustomerTab>>(() => new Set(['details']));
  const tabId = (which: CustomerTab) => `${baseId}-tab-${which}`;
  const panelId = (which: CustomerTab) => `${baseId}-panel-${which}`;
  const show = (next: CustomerTab) => {
    setTab(next);
    setVisited((seen) => (seen.has(next) ? seen : new Set([...seen, next])));
  };
  /** Shows a tab at once (not at the next render), so something in it can take the focus now. */
  const showNow = (next: CustomerTab) => flushSync(() => show(next));
  return { tab, visited, tabId, panelId, show, showNow };
}

export type CustomerTabs = ReturnType<typeof useCustomerTabs>;

/** The tab list; arrow keys, Home and End move between the tabs (the list is one stop for Tab). */
export function CustomerTabList({ tabs }: { tabs: CustomerTabs }) {
  const { t } = useTranslation();
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = customerTabs.indexOf(tabs.tab);
    const n = customerTabs.length;
    const to = e.key === 'ArrowRight' ? at + 1 : e.key === 'ArrowLeft' ? at - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : null;
    if (to === null) return;
    e.preventDefault();
    const next = customerTabs[(to + n) % n] as CustomerTab;
    tabs.show(next);
    document.getElementById(tabs.tabId(next))?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={t('tabs.label')} onKeyDown={onKeyDown}>
      {customerTabs.map((which) => (
        <button
          key={which}
          type="button"
          role="tab"
          id={tabs.tabId(which)}
          aria-selected={tabs.tab === which}
          aria-controls={tabs.panelId(which)}
          tabIndex={tabs.tab === which ? 0 : -1}
          onClick={() => tabs.show(which)}
        >
          {t(`tabs.${which}`)}
        </button>
      ))}
    </div>
  );
}

/** A tab other than Details: mounted on its first visit, then kept (hidden while another is shown). */
export function CustomerTabPanel({ tabs, which, children }: { tabs: CustomerTabs; which: CustomerTab; children: ReactNode }) {
  if (!tabs.visited.has(which)) return null;
  return (
    <div className="tab-panel" role="tabpanel" id={tabs.panelId(which)} aria-labelledby={tabs.tabId(which)} hidden={tabs.tab !== which}>
      {children}
    </div>
  );
}
