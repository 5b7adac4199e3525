import type { TFunction } from 'i18next';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { type RecordMark, recordMarks } from '../../../shared/audit/reading';
import type { AuditChainReport } from '../../../shared/audit/schema';
import type { PrescriptionVersion } from '../../../shared/prescriptions/schema';
import type { AuditEntry } from '../../../shared/staff/schema';
import { errorMessage } from '../api/errors';
import { useAuditChain, useCustomerHistory } from './queries';
import { formatDay, formatMoment } from '../format';
import { pathLabel, valueLabel } from '../prescriptions/draft';
import { usePrescriptions } from '../prescriptions/queries';
import { fieldChanges, textField, type FieldChange } from './changes';

/** Labels of the customer's fields as the audit trail records them (address columns included). */
const fieldLabels: Record<string, string> = {
  firstName: 'form.firstName',
  lastName: 'form.lastName',
  email: 'form.email',
  phoneNumber: 'form.phoneNumber',
  dateOfBirth: 'form.dateOfBirth',
  sex: 'form.sex',
  'address.street': 'form.street',
  'address.city': 'form.city',
  'address.zipCode': 'form.zipCode',
  'address.zip_code': 'form.zipCode',
  'address.state': 'form.state',
  'consent.marketingAt': 'consent.marketing',
  'consent.smsAt': 'consent.sms',
  deletedAt: 'history.fields.deletedAt',
  removedAt: 'history.fields.removedAt',
};

function fieldLabel(path: string, t: TFunction): string {
  const key = fieldLabels[path];
  return key ? t(key) : path;
}

function fieldValue(path: string, value: unknown, t: TFunction, language: string): string {
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value !== 'string') return typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (path === 'dateOfBirth') return formatDay(value, language);
  if (path === 'sex') return t(`form.sexOptions.${value}`, { defaultValue: value });
  if (path.startsWith('consent.')) return t('history.givenOn', { date: formatMoment(value, language) });
  if (path.endsWith('At')) return formatMoment(value, language);
  return value;
}

type Described = { title: string; changes: { label: string; from: string; to: string }[] };

/** What one entry did, in words, with its field-level before → after. */
function describe(entry: AuditEntry, versions: Map<string, PrescriptionVersion>, docNames: Map<string, string>, t: TFunction, language: string): Described {
  const customerChanges = (list: FieldChange[]) =>
    list.map((c) => ({ label: fieldLabel(c.path, t), from: fieldValue(c.path, c.from, t, language), to: fieldValue(c.path, c.to, t, language) }));

  if (entry.entity === 'customer') {
    switch (entry.action) {
      case 'create':
        return { title: t('history.customer.create'), changes: [] };
      case 'update': {
        return { title: t('history.customer.update'), changes: customerChanges(fieldChanges(entry.before, entry.after)) };
      }
      case 'delete':
        return { title: t('history.customer.delete'), changes: [] };
      case 'export':
        return { title: t('history.customer.export'), changes: [] };
      // A merge (issue 13): the fields it changed on the kept customer; the merge's own ids are not fields.
      case 'merge':
      case 'unmerge': {
        const after = (entry.after ?? {}) as Record<string, unknown>;
        const fields = Object.fromEntries(Object.keys((entry.before ?? {}) as object).filter((k) => k !== 'mergeRecordId').map((k) => [k, after[k]]));
        const name = String(after.mergedName ?? after.restoredName ?? '');
        return { title: t(`history.customer.${entry.action}`, { name }), changes: customerChanges(fieldChanges(entry.before, fields)) };
      }
      case 'recall.record':
      case 'recall.override':
        return describeRecall(entry, t, language);
      default:
        return { title: t('history.other', { action: entry.action }), changes: customerChanges(fieldChanges(entry.before, entry.after)) };
    }
  }

  if (entry.entity === 'prescription') {
    const v = versions.get(entry.entityId);
    const changes = v && v.version > 1 ? v.changes.map((c) => ({ label: pathLabel(c.path, t), from: valueLabel(c.path, c.from, t), to: valueLabel(c.path, c.to, t) })) : [];
    if (!v) return { title: t('history.prescription.unknown'), changes: [] };
    const corrected = v.correctsId ? versions.get(v.correctsId) : undefined;
    return {
      title: corrected
        ? t('history.prescription.correct', { version: v.version, corrected: corrected.version })
        : t('history.prescription.create', { version: v.version, exam: formatDay(v.rx.examDate, language) }),
      changes,
    };
  }

  if (entry.entity === 'attachment') {
    const name = docNames.get(entry.entityId) ?? '';
    const field = textField(entry.after, 'field');
    if (entry.action === 'add') {
      return { title: t('history.attachment.add', { name, type: field ? t(`docs.fields.${field}`, { defaultValue: field }) : '' }), changes: [] };
    }
    if (entry.action === 'remove') return { title: t('history.attachment.remove', { name }), changes: [] };
    if (entry.action === 'setType') {
      const was = textField(entry.before, 'field');
      const type = (f: string | null) => (f ? t(`docs.fields.${f}`, { defaultValue: f }) : '—');
      return { title: t('history.attachment.setType', { name, type: type(field), was: type(was) }), changes: [] };
    }
  }
  return { title: t('history.other', { action: `${entry.entity} ${entry.action}` }), changes: [] };
}

/** A recall call's outcome, or a change of the customer's own recall rule (recalls/). */
function describeRecall(entry: AuditEntry, t: TFunction, language: string): Described {
  const after = (entry.after ?? {}) as { outcome?: string; date?: string; note?: string; override?: { type: string; months?: number; date?: string } | null };
  if (entry.action === 'recall.record') {
    const title = t('recalls.history.record', { outcome: t(`recalls.outcomes.${after.outcome ?? ''}`, { defaultValue: after.outcome ?? '' }), date: formatDay(after.date ?? '', language) });
    return { title: after.note ? `${title} — ${after.note}` : title, changes: [] };
  }
  const o = after.override ?? null;
  const rule = !o ? t('recalls.customer.modes.store') : o.type === 'months' ? t('recalls.history.everyMonths', { count: o.months ?? 0 }) : o.type === 'date' ? t('recalls.history.onDate', { date: formatDay(o.date ?? '', language) }) : t('recalls.customer.modes.none');
  return { title: t('recalls.history.override', { rule }), changes: [] };
}

const SHOWN_BREAKS = 5;

/**
 * Shown above a customer's history when the store's audit trail breaks (someone edited the database
 * outside the app). The trail is the store's, one chain for every customer, so it is worded as the
 * store's and located by record number and time; whether this customer's own records are among
 * those concerned is said, and they are marked in the list (`marked`: how many of them are).
 */
function ChainWarning({ report, marked }: { report: AuditChainReport; marked: number }) {
  const { t, i18n } = useTranslation();
  const titleId = useId();
  const when = (at: string | null) => (at ? formatMoment(at, i18n.language) : t('history.chain.unknownTime'));
  const hidden = report.breakCount - Math.min(report.breaks.length, SHOWN_BREAKS);
  const first = report.breaks[0];
  return (
    <div className="form-error chain-warning" role="alert" aria-labelledby={titleId}>
      <p>
        <strong id={titleId}>{first ? t('history.chain.title', { id: first.id, at: when(first.at) }) : t('history.chain.titleGuards')}</strong>
      </p>
      <p>{t('history.chain.intro')}</p>
      <ul>
        {report.breaks.slice(0, SHOWN_BREAKS).map((b) => (
          <li key={`${b.problem}-${b.id}`}>{t(`history.chain.${b.problem}`, { id: b.id, at: when(b.at), count: b.missing ?? 1 })}</li>
        ))}
        {hidden > 0 ? <li>{t('history.chain.more', { count: hidden })}</li> : null}
        {report.triggers.map((g) => (
          <li key={`${g.trigger}-${g.id ?? 'now'}`}>
            {t(g.id === null ? 'history.chain.guard.missingNow' : `history.chain.guard.${g.problem}`, {
              what: t(`history.chain.guardWhat.${g.trigger}`, { defaultValue: g.trigger }),
              trigger: g.trigger,
              id: g.id,
              at: when(g.at),
            })}
          </li>
        ))}
      </ul>
      {report.breaks.length > 0 ? <p>{marked > 0 ? t('history.chain.marked') : t('history.chain.noneMarked')}</p> : null}
      <p>{t('history.chain.advice')}</p>
    </div>
  );
}

/**
 * The customer's history tab: every change to the customer, its prescriptions and documents, newest
 * first, with who made it, when, and what each changed field was before and after.
 */
export function HistoryPanel({ customerId }: { customerId: string }) {
  const { t, i18n } = useTranslation();
  const entries = useCustomerHistory(customerId);
  // The customer's prescription versions, to describe what each prescription entry saved (the
  // Prescription tab's timeline reads the same cache).
  const versionList = usePrescriptions(customerId);
  const loadError = entries.error ?? versionList.error;
  const retry = () => Promise.all([entries.isError ? entries.refetch() : null, versionList.isError ? versionList.refetch() : null]);
  const chain = useAuditChain();
  const titleId = useId();
  const broken = chain.data && !chain.data.intact ? chain.data : null;
  const marks = broken ? recordMarks(broken) : null;
  let marked = 0;

  let body;
  if (loadError) {
    body = (
      <div className="form-error" role="alert">
        <p>{t('history.loadError', { message: errorMessage(loadError, t) })}</p>
        <button type="button" onClick={() => void retry()}>
          {t('search.retry')}
        </button>
      </div>
    );
  } else if (entries.isPending || versionList.isPending) {
    body = (
      <p className="muted" role="status">
        {t('history.loading')}
      </p>
    );
  } else {
    const list = entries.data ?? [];
    const versions = new Map((versionList.data ?? []).map((v) => [v.id, v]));
    const docNames = new Map<string, string>();
    for (const e of list) {
      const name = e.entity === 'attachment' ? textField(e.after, 'fileName') : null;
      if (name) docNames.set(e.entityId, name);
    }
    // A save that changed only the prescription grid also records the customer, unchanged: its
    // prescription entry says what changed (shown all the same when it sits at a break of the chain).
    const shown = list
      .map((entry) => ({ entry, d: describe(entry, versions, docNames, t, i18n.language) }))
      .filter(({ entry, d }) => marks?.has(entry.id) || !(entry.entity === 'customer' && entry.action === 'update' && d.changes.length === 0));
    marked = marks ? shown.filter(({ entry }) => marks.has(entry.id)).length : 0;
    body =
      shown.length === 0 ? (
        <p className="muted">{t('history.empty')}</p>
      ) : (
        <ol className="history-list" aria-labelledby={titleId}>
          {shown.map(({ entry, d }) => (
            <li key={entry.id} className={`history-item entity-${entry.entity}${marks?.has(entry.id) ? ' chain-marked' : ''}`} aria-label={d.title}>
              <div className="history-head">
                <strong className="history-title">{d.title}</strong>
                <span className="history-meta">
                  <time dateTime={entry.at}>{formatMoment(entry.at, i18n.language)}</time> · {t('history.by', { who: entry.staffDisplayName })}
                  {/* Numbered only while the warning names records by number. */}
                  {marks ? <> · {t('history.record', { id: entry.id })}</> : null}
                </span>
              </div>
              {(marks?.get(entry.id) ?? []).map((m: RecordMark) => (
                <p key={m} className="history-note chain-mark">
                  {t(`history.chain.mark.${m}`)}
                </p>
              ))}
              {d.changes.length > 0 ? (
                <ul className="history-changes" aria-label={t('history.changes')}>
                  {d.changes.map((c, i) => (
                    <li key={`${i}-${c.label}`}>
                      <span className="change-path">{c.label}</span>: <del dir="auto">{c.from}</del> <span className="change-arrow">→</span> <ins dir="auto">{c.to}</ins>
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>
      );
  }

  return (
    <section className="history" aria-labelledby={titleId}>
      <div className="history-top">
        <h2 id={titleId}>{t('history.title')}</h2>
        <span className={`busy${entries.isFetching || versionList.isFetching ? ' on' : ''}`} aria-hidden="true" />
      </div>
      {broken ? <ChainWarning report={broken} marked={marked} /> : null}
      {body}
    </section>
  );
}
