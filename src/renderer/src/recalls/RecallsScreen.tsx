import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RecallItem, RecallOutcome } from '../../../shared/recalls/schema';
import { recallOutcomes } from '../../../shared/recalls/schema';
import { useCall } from '../api/context';
import { errorMessage } from '../api/errors';
import { useSignedIn } from '../auth/AuthProvider';
import { DateInput } from '../components/DateInput';
import { FormError } from '../components/FormError';
import { StatusLine } from '../components/StatusLine';
import { blobFromBase64, saveBlob } from '../documents/files';
import { formatDay } from '../format';
import { isoToday } from '../format/typedDate';
import { useWriteGate, WriteGateNote } from '../licence/useWriteGate';
import { selectedItems } from './letter';
import { useExportCalls, useRecallList, useRecordOutcome } from './queries';
import { RecallLetters } from './RecallLetters';
import { RecallSettingsForm } from './RecallSettingsForm';

const statuses = ['due', 'overdue', 'all'] as const;
type Status = (typeof statuses)[number];
const PAGE = 200;

/**
 * Who to call back: due this month, overdue, or everyone with a recall; only those who agreed to be
 * contacted if asked. Each row records what the call gave (on the day typed above the list), and
 * the ticked customers get a letter on the store's letterhead; the list exports as CSV.
 */
export function RecallsScreen({ onOpenCustomer }: { onOpenCustomer: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  const { isOwner } = useSignedIn();
  const ids = useId();
  const [status, setStatus] = useState<Status>('due');
  const [consentOnly, setConsentOnly] = useState(false);
  const [offset, setOffset] = useState(0);
  const [callDate, setCallDate] = useState(() => isoToday());
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [flash, setFlash] = useState('');
  const list = useRecallList({ status, consentOnly, limit: PAGE, offset });
  const items = list.data?.items ?? [];
  const record = useRecordOutcome();
  const exportCalls = useExportCalls();
  const call = useCall();
  const gate = useWriteGate('recalls.record');
  const dateOk = /^\d{4}-\d{2}-\d{2}$/.test(callDate);
  const letters = selectedItems(items, selected);

  const choose = (next: Status) => {
    setStatus(next);
    setOffset(0);
    setSelected(new Set());
  };
  const onRecord = (item: RecallItem, outcome: RecallOutcome) => {
    setFlash('');
    record.mutate(
      { customerId: item.customerId, outcome, date: callDate },
      { onSuccess: () => setFlash(t('recalls.recorded', { outcome: t(`recalls.outcomes.${outcome}`), name: `${item.firstName} ${item.lastName}`, date: formatDay(callDate, i18n.language) })) },
    );
  };
  const print = async () => {
    const out = await call('app.printToPdf', {}).catch(() => ({ handled: false }));
    if (!out.handled) window.print();
  };
  const onExport = () => {
    setFlash('');
    exportCalls.mutate(
      { status, consentOnly, language: i18n.language === 'fr' || i18n.language === 'ar' ? i18n.language : 'en' },
      {
        onSuccess: (file) => {
          saveBlob(blobFromBase64(file.bytes, 'text/csv'), file.fileName);
          setFlash(t('recalls.exported', { fileName: file.fileName }));
        },
      },
    );
  };
  const toggle = (id: string) =>
    setSelected((was) => {
      const next = new Set(was);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <section className="recalls-screen" aria-labelledby={`${ids}-title`}>
      <div className="recalls-head">
        <h1 id={`${ids}-title`}>{t('recalls.title')}</h1>
        <div className="recalls-tabs" role="tablist" aria-label={t('recalls.tabsLabel')}>
          {statuses.map((s) => (
            <button key={s} type="button" role="tab" id={`${ids}-tab-${s}`} aria-selected={status === s} aria-controls={`${ids}-panel`} onClick={() => choose(s)}>
              {t(`recalls.tabs.${s}`)}
              {status === s && list.data ? <span className="recalls-count">{list.data.total}</span> : null}
            </button>
          ))}
        </div>
        <label className="recalls-consent">
          <input type="checkbox" checked={consentOnly} onChange={(e) => (setConsentOnly(e.target.checked), setOffset(0))} />
          {t('recalls.consentOnly')}
        </label>
      </div>
      <div className="recalls-actions">
        <div className="field recalls-date">
          <label htmlFor={`${ids}-date`}>{t('recalls.callDate')}</label>
          <DateInput id={`${ids}-date`} kind="event" value={callDate} onChange={setCallDate} />
        </div>
        <button type="button" disabled={letters.length === 0} onClick={() => void print()}>
          {letters.length === 0 ? t('recalls.printNone') : t('recalls.printLetters', { count: letters.length })}
        </button>
        <button type="button" disabled={exportCalls.isPending || items.length === 0} onClick={onExport}>
          {t('recalls.export')}
        </button>
        <WriteGateNote gate={gate} />
      </div>
      <StatusLine className="recalls-flash">{flash}</StatusLine>
      <FormError>{list.error ? errorMessage(list.error, t) : record.error ? errorMessage(record.error, t) : exportCalls.error ? errorMessage(exportCalls.error, t) : null}</FormError>
      <div role="tabpanel" id={`${ids}-panel`} aria-labelledby={`${ids}-tab-${status}`}>
        <RecallTable
          items={items}
          selected={selected}
          onToggle={toggle}
          onToggleAll={(all) => setSelected(all ? new Set(items.map((i) => i.customerId)) : new Set())}
          onOpen={onOpenCustomer}
          onRecord={onRecord}
          recordDisabled={gate.disabled || !dateOk || record.isPending}
          empty={list.isSuccess && items.length === 0 ? t(`recalls.empty.${status}`) : null}
        />
        {list.data && list.data.total > PAGE ? (
          <p className="recalls-pages">
            <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              {t('recalls.previous')}
            </button>
            {t('recalls.range', { from: offset + 1, to: Math.min(offset + PAGE, list.data.total), total: list.data.total })}
            <button type="button" disabled={offset + PAGE >= list.data.total} onClick={() => setOffset(offset + PAGE)}>
              {t('recalls.next')}
            </button>
          </p>
        ) : null}
      </div>
      {isOwner ? <RecallSettingsForm /> : null}
      <RecallLetters items={letters} />
    </section>
  );
}

type TableProps = {
  items: readonly RecallItem[];
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  onToggleAll: (all: boolean) => void;
  onOpen: (id: string) => void;
  onRecord: (item: RecallItem, outcome: RecallOutcome) => void;
  recordDisabled: boolean;
  empty: string | null;
};

function RecallTable({ items, selected, onToggle, onToggleAll, onOpen, onRecord, recordDisabled, empty }: TableProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  if (empty) return <p className="recalls-empty">{empty}</p>;
  const allTicked = items.length > 0 && items.every((i) => selected.has(i.customerId));
  return (
    <table className="recalls-table">
      <thead>
        <tr>
          <th scope="col">
            <input type="checkbox" aria-label={t('recalls.selectAll')} checked={allTicked} onChange={(e) => onToggleAll(e.target.checked)} />
          </th>
          <th scope="col">{t('recalls.col.name')}</th>
          <th scope="col">{t('recalls.col.phone')}</th>
          <th scope="col">{t('recalls.col.lastExam')}</th>
          <th scope="col">{t('recalls.col.due')}</th>
          <th scope="col">{t('recalls.col.lastOutcome')}</th>
          <th scope="col">{t('recalls.col.record')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => {
          const name = `${item.firstName} ${item.lastName}`;
          return (
            <tr key={item.customerId} className={`recall-row state-${item.state}`}>
              <td>
                <input type="checkbox" aria-label={t('recalls.select', { name })} checked={selected.has(item.customerId)} onChange={() => onToggle(item.customerId)} />
              </td>
              <td>
                <button type="button" className="link" onClick={() => onOpen(item.customerId)}>
                  {name}
                </button>
                {item.consent.marketing || item.consent.sms ? null : <span className="recalls-no-consent">{t('recalls.noConsent')}</span>}
              </td>
              <td>
                <bdi dir="ltr">{item.phoneNumber || '—'}</bdi>
              </td>
              <td>
                {item.lastExamDate ? formatDay(item.lastExamDate, lang) : '—'}
                {item.kind ? <span className="recalls-kind">{t(`recalls.kinds.${item.kind}`)}</span> : null}
              </td>
              <td>
                {formatDay(item.dueDate, lang)}
                <span className={`recalls-state state-${item.state}`}>{t(`recalls.states.${item.state}`)}</span>
              </td>
              <td>{item.lastOutcome ? t('recalls.lastOutcome', { outcome: t(`recalls.outcomes.${item.lastOutcome}`), date: formatDay(item.lastOutcomeDate, lang) }) : '—'}</td>
              <td>
                <span className="recalls-outcomes" role="group" aria-label={t('recalls.recordFor', { name })}>
                  {recallOutcomes.map((o) => (
                    <button key={o} type="button" disabled={recordDisabled} onClick={() => onRecord(item, o)}>
                      {t(`recalls.outcomes.${o}`)}
                    </button>
                  ))}
                </span>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
