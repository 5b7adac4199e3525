import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type Dispatch, type KeyboardEvent, type RefObject, type SetStateAction } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { errorMessage } from '../api/errors';
import { useCustomerGroups, useCustomerSearch, usePrefetchSearch } from './queries';
import { useWriteGate, WriteGateNote } from '../licence/useWriteGate';
import { useSyncFlagged } from '../sync/SyncFlag';
import { SEARCH_MAX_LENGTH, type CustomerListItem } from '../../../shared/customers/schema';
import { ResultCells } from './ResultCells';
import { ExportListAction } from './ExportListDialog';
import { activeIndex, emptySearchView, type SearchView } from './searchView';
import { useSignedIn } from '../auth/AuthProvider';

const ROW_HEIGHT = 40;
const optionIdOf = (listId: string, i: number) => `${listId}-option-${i}`;
/** Results still on their way after this long are said to be (a keystroke's come in ~30 ms). */
const SLOW_SEARCH_MS = 300;
/** Start loading the next page this many rows before the end is on screen. */
const PREFETCH_ROWS = 15;

type Props = {
  view: SearchView;
  onViewChange: Dispatch<SetStateAction<SearchView>>;
  onOpen: (id: string) => void;
  onNew: () => void;
  inputRef: RefObject<HTMLInputElement | null>;
};

export function SearchScreen({ view, onViewChange, onOpen, onNew, inputRef }: Props) {
  const { t } = useTranslation();
  const { isOwner } = useSignedIn();
  const { search, groupId } = view;
  // Every keystroke asks at once, from its handler (askAhead); the last results stay meanwhile (issue 14).
  const [query, askAhead] = [useCustomerSearch(search, groupId || undefined), usePrefetchSearch()];
  // Customers with a sync conflict or a parked change are marked in the list.
  const flagged = useSyncFlagged();
  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.data) ?? [], [query.data]);
  const total = query.data?.pages[0]?.pagination.total ?? 0;
  // An older keystroke's results stay while the newer load, marked by what found them (rows memoised).
  const stale = query.isPlaceholderData;
  const shownSearch = query.data?.pages[0]?.foundBy ?? '';

  const { active, setActive, setSearch, setGroupId } = useViewChanges(view, onViewChange, rows, query.hasNextPage);
  const listRef = useRef<HTMLDivElement>(null);
  const listId = useId();
  // Enter pressed before the results of the last keystroke arrived: open the first fresh result then.
  const pendingOpen = useRef(false);

  // The compiler warning is about React Compiler memoisation, which this app does not use.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => listRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 4, // rows past the screen's edge, each drawn again with every keystroke's results
  });
  const items = virtualizer.getVirtualItems();

  // In the commit, not after the paint: a name typed as soon as the search shows lands in it.
  useLayoutEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, [inputRef]);

  // A new search starts at the top (the virtualizer's offset: reading scrollTop forced a layout per keystroke).
  useEffect(() => {
    if ((virtualizer.scrollOffset ?? 0) !== 0) virtualizer.scrollToOffset(0);
  }, [search, virtualizer]);

  useNextPages(query, items.at(-1)?.index ?? -1, rows.length);
  useRevealSelected(view.selected, active, query, virtualizer);

  useEffect(() => {
    if (!pendingOpen.current || stale || query.isFetching) return;
    pendingOpen.current = false;
    const first = rows[0];
    if (first) onOpen(first.id);
  }, [stale, query.isFetching, rows, onOpen]);

  // Enter before the last keystroke's results (or a search's very first ones; CI run 21) opens the first once they come.
  const onEnter = (index: number) => {
    const row = rows[index];
    if (stale || (query.isPending && query.isFetching)) pendingOpen.current = true;
    else if (row) onOpen(row.id);
  };
  const onPick = useStablePick((index, id) => {
    setActive(index);
    onOpen(id);
  });
  const onKeyDown = useListKeys({ count: rows.length, active, listRef, virtualizer, setActive, onEnter });
  const activeOption = rows[active] && items.some((i) => i.index === active) ? optionIdOf(listId, active) : undefined;

  return (
    <section className="search-screen" aria-labelledby={`${listId}-label`}>
      {/* Every screen has its h1 for screen readers' heading navigation; here the search box says the rest. */}
      <h1 className="visually-hidden">{t('screen.search')}</h1>
      <div className="search-bar">
        <label id={`${listId}-label`} htmlFor={`${listId}-input`} className="visually-hidden">
          {t('search.label')}
        </label>
        <input
          ref={inputRef}
          id={`${listId}-input`}
          type="search"
          className="search-input"
          placeholder={t('search.placeholder')}
          value={search}
          onChange={(e) => setSearch(askAhead(e.target.value, groupId || undefined))}
          maxLength={SEARCH_MAX_LENGTH}
          onKeyDown={onKeyDown}
          autoComplete="off"
          spellCheck={false}
          // Only while the list is there, the selection only while its row is drawn (review 16): an id that points at nothing is invalid ARIA.
          aria-controls={rows.length > 0 ? listId : undefined}
          aria-activedescendant={activeOption}
        />
        <GroupFilter value={groupId} onChange={setGroupId} />
        <NewCustomerButton onNew={onNew} />
        {isOwner ? <ExportListAction search={shownSearch} matches={total} /> : null}
      </div>

      <ListMeta query={query} total={total} shownSearch={shownSearch} search={search} stale={stale} />

      <ListHead />

      <ResultList
        query={query}
        rows={rows}
        total={total}
        shownSearch={shownSearch}
        active={active}
        stale={stale}
        listRef={listRef}
        listId={listId}
        virtualizer={virtualizer}
        flagged={flagged}
        onPick={onPick}
        onKeyDown={onKeyDown}
        activeOption={activeOption}
      />
    </section>
  );
}

/** How many customers the list holds or matched, whether it is loading, and the keys. */
function ListMeta({ query, total, shownSearch, search, stale }: { query: ReturnType<typeof useCustomerSearch>; total: number; shownSearch: string; search: string; stale: boolean }) {
  const { t } = useTranslation();
  const slow = useHeld(stale && search.trim() !== '', SLOW_SEARCH_MS);
  return (
    <div className="list-meta">
      <span aria-live="polite" data-testid="result-count">
        {query.data ? (shownSearch ? t('search.matches', { count: total }) : t('search.count', { count: total })) : ''}
      </span>
      <span className={`busy${query.isFetching ? ' on' : ''}`} aria-hidden="true" />
      {/* A wait a person notices (the index still loading after a start): said in words, the dot was easy to miss. */}
      {slow ? (
        <span className="searching" aria-hidden="true">
          <Searched i18nKey="search.searching" search={search.trim()} />
        </span>
      ) : null}
      <span className="hint">{t('search.hint')}</span>
    </div>
  );
}

/** The columns' names (the rows carry their own for screen readers). */
const ListHead = memo(function ListHead() {
  const { t } = useTranslation();
  return (
    <div className="list-head" aria-hidden="true">
      {(['name', 'born', 'phone', 'city', 'email', 'lastExam'] as const).map((c) => (
        <span key={c}>{t(`search.columns.${c}`)}</span>
      ))}
    </div>
  );
});

type ListProps = {
  query: ReturnType<typeof useCustomerSearch>;
  rows: CustomerListItem[];
  total: number;
  shownSearch: string;
  active: number;
  stale: boolean;
  listRef: RefObject<HTMLDivElement | null>;
  listId: string;
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  flagged: ReadonlySet<string>;
  onPick: (index: number, id: string) => void;
  /** The search box's keys, for the list once it has the focus. */
  onKeyDown: (e: KeyboardEvent<HTMLElement>) => void;
  activeOption: string | undefined;
};

/** The results (only the rows on screen are rendered), or why there are none. */
function ResultList({ query, rows, total, shownSearch, active, stale, listRef, listId, virtualizer, flagged, onPick, onKeyDown, activeOption }: ListProps) {
  const { t, i18n } = useTranslation();
  if (query.isPending) {
    return (
      <p className="list-message" role="status">
        {t('search.loading')}
      </p>
    );
  }
  if (query.isError && rows.length === 0) {
    return (
      <div className="list-message" role="alert">
        <p>{t('search.error', { message: errorMessage(query.error, t) })}</p>
        <button type="button" onClick={() => void query.refetch()}>
          {t('search.retry')}
        </button>
      </div>
    );
  }
  if (rows.length === 0) {
    return (
      <p className="list-message" role="status">
        {shownSearch ? <Searched i18nKey="search.emptySearch" search={shownSearch} /> : t('search.emptyAll')}
      </p>
    );
  }
  return (
    // A tab stop of its own: a list taller than the screen must be reachable and scrollable from the
    // keyboard (axe, review 13); focused, it takes the search box's keys (review 16).
    <div
      ref={listRef}
      id={listId}
      role="listbox"
      tabIndex={0}
      aria-label={t('search.results')}
      aria-busy={stale || undefined}
      aria-activedescendant={activeOption}
      onKeyDown={onKeyDown}
      className={`result-list${stale ? ' stale' : ''}`}
    >
      <div className="result-sizer" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index];
          if (!row) return null;
          return (
            <ResultRow
              // By place, not by customer: a keystroke's new results fill the rows already drawn instead of replacing them.
              key={item.index}
              index={item.index}
              row={row}
              size={item.size}
              start={item.start}
              selected={item.index === active}
              total={total}
              listId={listId}
              search={shownSearch}
              flagged={flagged.has(row.id)}
              t={t}
              language={i18n.language}
              onPick={onPick}
            />
          );
        })}
      </div>
      {query.isFetchingNextPage ? <p className="list-more">{t('search.loadingMore')}</p> : null}
    </div>
  );
}

type RowProps = {
  index: number;
  row: CustomerListItem;
  size: number;
  start: number;
  selected: boolean;
  total: number;
  listId: string;
  search: string;
  flagged: boolean;
  t: TFunction;
  language: string;
  onPick: (index: number, id: string) => void;
};

/**
 * One result. Memoised on plain values: a keystroke draws the list again (marked stale) while its
 * rows stay as they are until the results come; only then are they drawn (issue 14).
 */
const ResultRow = memo(function ResultRow({ index, row, size, start, selected, total, listId, search, flagged, t, language, onPick }: RowProps) {
  return (
    <div
      id={optionIdOf(listId, index)}
      role="option"
      aria-selected={selected}
      aria-setsize={total}
      aria-posinset={index + 1}
      className={`result-row${selected ? ' selected' : ''}`}
      style={{ height: size, transform: `translateY(${start}px)` }}
      onMouseDown={(e) => e.preventDefault() /* keep the focus in the search box */}
      onClick={() => onPick(index, row.id)}
    >
      <ResultCells row={row} search={search} flagged={flagged} t={t} language={language} />
    </div>
  );
});

type ListKeys = {
  count: number;
  active: number;
  listRef: RefObject<HTMLDivElement | null>;
  virtualizer: Virtualizer<HTMLDivElement, Element>;
  setActive: (index: number) => void;
  onEnter: (index: number) => void;
};

/** Only the customers the cloud puts in one group (issue 13 item 5); shown once the cloud has sent groups. */
const GroupFilter = memo(function GroupFilter({ value, onChange }: { value: string; onChange: (groupId: string) => void }) {
  const { t } = useTranslation();
  const groups = useCustomerGroups().data?.groups ?? [];
  const id = useId();
  if (groups.length === 0 && value === '') return null;
  return (
    <span className="group-filter">
      <label htmlFor={id}>{t('groups.label')}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid="group-filter">
        <option value="">{t('groups.all')}</option>
        {groups.map((g) => (
          <option key={g.id} value={g.id}>
            {t('groups.option', { name: g.name, count: g.count })}
          </option>
        ))}
      </select>
    </span>
  );
});

/** The search box's (and the focused list's) keys: arrows and pages move the selection (scrolled into view), Enter opens it. */
function useListKeys({ count, active, listRef, virtualizer, setActive, onEnter }: ListKeys) {
  const move = (to: number) => {
    if (count === 0) return;
    const next = Math.max(0, Math.min(count - 1, to));
    setActive(next);
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };
  return (e: KeyboardEvent<HTMLElement>) => {
    const page = Math.max(1, Math.floor((listRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const steps: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page };
    if (Object.hasOwn(steps, e.key)) move(active + (steps[e.key] ?? 0));
    else if (e.key === 'Enter') onEnter(active);
    else return;
    e.preventDefault();
  };
}

/** One function for the whole life of the screen, calling the latest `pick`: a keystroke then leaves the memoised rows alone. */
function useStablePick(pick: (index: number, id: string) => void) {
  const latest = useRef(pick);
  useLayoutEffect(() => {
    latest.current = pick;
  });
  return useCallback((index: number, id: string) => latest.current(index, id), []);
}

/** The view's changes: a new search or group starts again on its first row. */
function useViewChanges(view: SearchView, onViewChange: Dispatch<SetStateAction<SearchView>>, rows: readonly CustomerListItem[], morePages: boolean) {
  const setGroupId = useCallback((groupId: string) => onViewChange((v) => ({ ...v, groupId, selected: emptySearchView.selected })), [onViewChange]);
  return {
    active: activeIndex(rows, view.selected, morePages),
    setActive: (index: number) => onViewChange((v) => ({ ...v, selected: { index, id: rows[index]?.id ?? null } })),
    setSearch: (search: string) => onViewChange((v) => ({ ...v, search, selected: emptySearchView.selected })),
    setGroupId,
  };
}

/**
 * Back from a customer: their row is scrolled into view once it is known, the pages up to their place
 * loaded first if the list kept only its first (review 8), and again as the list refreshes (a save
 * while they were open moved them). Only from the screen's start: then the person's keys move it.
 */
function useRevealSelected(selected: SearchView['selected'], active: number, query: ReturnType<typeof useCustomerSearch>, virtualizer: Virtualizer<HTMLDivElement, Element>) {
  const pending = useRef(selected.index > 0 || selected.id !== null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isFetching, isFetchNextPageError } = query;
  useEffect(() => {
    if (!pending.current) return;
    if (active < 0) {
      // A page that failed is not asked again and again: the list shows as it is.
      if (isFetchNextPageError) pending.current = false;
      else if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
      return;
    }
    virtualizer.scrollToIndex(active, { align: 'center' });
    if (!isFetching) pending.current = false;
  }, [active, hasNextPage, isFetchingNextPage, isFetchNextPageError, fetchNextPage, isFetching, virtualizer]);
}

/** Infinite scroll: the next page is fetched as the end of what is loaded comes into view. */
function useNextPages(query: ReturnType<typeof useCustomerSearch>, lastIndex: number, loaded: number) {
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= loaded - PREFETCH_ROWS) void fetchNextPage();
  }, [lastIndex, loaded, hasNextPage, isFetchingNextPage, fetchNextPage]);
}

/** "New customer", off with the reason while the install is read-only. */
function NewCustomerButton({ onNew }: { onNew: () => void }) {
  const { t } = useTranslation();
  const gate = useWriteGate('customers.create');
  return (
    <>
      <WriteGateNote gate={gate} />
      <button type="button" className="primary" onClick={onNew} title={gate.reason ?? 'Ctrl+N'} disabled={gate.disabled}>
        {t('search.newCustomer')}
      </button>
    </>
  );
}

/** Whether `on` has held for `ms` without a break. */
function useHeld(on: boolean, ms: number): boolean {
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (!on) return;
    const timer = setTimeout(() => setHeld(true), ms);
    return () => {
      clearTimeout(timer);
      setHeld(false);
    };
  }, [on, ms]);
  return held && on;
}

/**
 * A line quoting what was typed, set apart from the text around it: in Arabic a phone took the line's
 * order ("661 212+"). Without a letter to go by (digits, +), it reads left to right.
 */
function Searched({ i18nKey, search }: { i18nKey: 'search.searching' | 'search.emptySearch'; search: string }) {
  return <Trans i18nKey={i18nKey} values={{ search }} components={{ q: <bdi dir={/\p{L}/u.test(search) ? 'auto' : 'ltr'} /> }} />;
}
