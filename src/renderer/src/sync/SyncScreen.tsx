import { zodResolver } from '@hookform/resolvers/zod';
import type { TFunction } from 'i18next';
import { useId, useState, type InputHTMLAttributes } from 'react';
import { useForm, type FieldPath } from 'react-hook-form';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { SyncConfigureInput, type ParkedChange, type RefusedCustomer, type SyncConflict, type SyncStatus, type WaitingCustomer } from '../../../shared/sync/schema';
import { errorMessage, fieldErrorText } from '../api/errors';
import { useConfigureSync, useResolveConflict, useRetryParked, useSyncConflicts, useSyncNow, useSyncStatus } from './queries';
import { useSignedIn } from '../auth/AuthProvider';
import { formatMoment } from '../format';
import { missingFieldsText } from '../customers/missingFields';
import { useMessageText } from '../i18n/messages';
import { clockTime, fieldLabel, refusedFieldLabel, relativeTime, useNow, valueText } from './text';
import { SyncSwitch } from './SyncSwitch';

/** A message for a refused sync call, in the staff's language where the code is one we know. */
function syncError(error: unknown, t: TFunction): string {
  if (error instanceof AppError && error.code.startsWith('sync.')) {
    return t(`errors.sync.${error.code.slice('sync.'.length)}`, { defaultValue: error.message });
  }
  return errorMessage(error, t);
}

/**
 * Sync with the store's cloud: its state and "Sync now" for everyone at the counter, what sync could
 * not settle alone (conflicts, parked changes) to settle here, and the owner's settings.
 */
export function SyncScreen({ onOpenCustomer }: { onOpenCustomer: (id: string) => void }) {
  const { t } = useTranslation();
  const { isOwner } = useSignedIn();
  const status = useSyncStatus();
  const titleId = useId();

  return (
    <section className="admin-screen sync-screen" aria-labelledby={titleId}>
      <div className="admin-head">
        <h1 id={titleId}>{t('sync.title')}</h1>
      </div>
      <p className="muted admin-intro">{t('sync.intro')}</p>
      {status.data ? (
        <>
          <StatusCard status={status.data} isOwner={isOwner} />
          {status.data.state !== 'disabled' || status.data.conflicts + status.data.parked + status.data.waitingForDetails > 0 ? <Review onOpenCustomer={onOpenCustomer} /> : null}
          {isOwner && status.data.state !== 'disabled' ? <SyncSwitch status={status.data} /> : null}
          {isOwner ? <SettingsCard status={status.data} /> : null}
        </>
      ) : (
        <p className="screen-message" role={status.isError ? 'alert' : 'status'}>
          {status.isError ? syncError(status.error, t) : t('sync.loading')}
        </p>
      )}
    </section>
  );
}

function StatusCard({ status: s, isOwner }: { status: SyncStatus; isOwner: boolean }) {
  const { t, i18n } = useTranslation();
  const say = useMessageText();
  const syncNow = useSyncNow();
  const now = useNow();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const headingId = useId();
  const when = (iso: string, past: boolean) => (
    <time dateTime={iso} title={formatMoment(iso, i18n.language)}>
      {relativeTime(iso, now, i18n.language, t, { past })}
    </time>
  );

  const onSyncNow = async () => {
    setMessage(null);
    try {
      const out = await syncNow.mutateAsync({});
      setMessage(
        out.state === 'idle'
          ? { ok: true, text: t('sync.status.done') }
          : { ok: false, text: out.state === 'rateLimited' ? slowDownText(out) : (out.lastProblem ? say(out.lastProblem) : (out.lastError ?? t(`sync.state.${out.state}`))) },
      );
    } catch (err) {
      setMessage({ ok: false, text: syncError(err, t) });
    }
  };

  function slowDownText(status: SyncStatus): string {
    return status.nextAttemptAt ? t('sync.indicator.rateLimited', { time: clockTime(status.nextAttemptAt, i18n.language) }) : t('sync.state.rateLimited');
  }

  return (
    <section className="admin-card sync-status" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('sync.status.title')}</h2>
      {s.state === 'disabled' ? (
        <p className="muted">{isOwner ? t('sync.status.offOwner') : t('sync.status.offStaff')}</p>
      ) : (
        <>
          {s.state === 'off' ? (
            <p className="sync-slow" data-testid="sync-turned-off">
              {t('sync.status.turnedOff')}
            </p>
          ) : null}
          {s.state === 'rateLimited' ? (
            <p className="sync-slow" data-testid="sync-rate-limited">
              {slowDownText(s)}
            </p>
          ) : null}
          <dl className="facts">
            <dt>{t('sync.status.state')}</dt>
            <dd>
              <span className={`sync-state-badge state-${s.state}`} data-testid="sync-state">
                {t(`sync.state.${s.state}`)}
              </span>
            </dd>
            <dt>{t('sync.status.pending')}</dt>
            <dd data-testid="sync-pending-count">{s.pending}</dd>
            <dt>{t('sync.status.toReview')}</dt>
            <dd>
              {t('sync.status.conflictCount', { count: s.conflicts })} · {t('sync.status.parkedCount', { count: s.parked })}
            </dd>
            <dt>{t('sync.status.lastSync')}</dt>
            <dd>{s.lastSyncAt ? when(s.lastSyncAt, true) : t('sync.status.never')}</dd>
            {s.nextAttemptAt && (s.state === 'offline' || s.state === 'error' || s.state === 'rateLimited') ? (
              <>
                <dt>{t('sync.status.nextAttempt')}</dt>
                <dd>{when(s.nextAttemptAt, false)}</dd>
              </>
            ) : null}
            {s.lastError && s.state !== 'rateLimited' ? (
              <>
                <dt>{t('sync.status.lastError')}</dt>
                <dd className="sync-error">{s.lastProblem ? say(s.lastProblem) : s.lastError}</dd>
              </>
            ) : null}
            {s.config ? (
              <>
                <dt>{t('sync.status.cloud')}</dt>
                <dd>
                  <code>{s.config.baseUrl}</code> · {s.config.storeId}
                </dd>
              </>
            ) : null}
          </dl>
          <div className="sync-actions" hidden={s.state === 'off'}>
            <button type="button" className="primary" onClick={() => void onSyncNow()} disabled={syncNow.isPending}>
              {syncNow.isPending || s.state === 'syncing' ? t('sync.status.syncing') : t('sync.status.syncNow')}
            </button>
            <span role="status" className={message?.ok === false ? 'form-error' : 'flash'}>
              {message?.text ?? ''}
            </span>
          </div>
        </>
      )}
    </section>
  );
}

/** Conflicts and parked changes: what sync could not decide on its own. */
function Review({ onOpenCustomer }: { onOpenCustomer: (id: string) => void }) {
  const { t } = useTranslation();
  const { locked } = useSignedIn();
  const list = useSyncConflicts(!locked);
  const [flash, setFlash] = useState<{ ok: boolean; text: string } | null>(null);
  const conflictsId = useId();
  const parkedId = useId();
  const refusedId = useId();
  const waitingId = useId();

  if (!list.data) {
    return (
      <p className="screen-message" role={list.isError ? 'alert' : 'status'}>
        {list.isError ? syncError(list.error, t) : t('sync.loading')}
      </p>
    );
  }
  const { conflicts, parked, refused, waitingForDetails } = list.data;
  return (
    <>
      <span role="status" className={flash?.ok === false ? 'form-error' : 'flash'}>
        {flash?.text ?? ''}
      </span>
      <section className="sync-list" aria-labelledby={conflictsId}>
        <h2 id={conflictsId}>{t('sync.conflicts.title', { count: conflicts.length })}</h2>
        {conflicts.length === 0 ? (
          <p className="muted">{t('sync.conflicts.none')}</p>
        ) : (
          <>
            <p className="muted">{t('sync.conflicts.intro')}</p>
            <table className="admin-table" aria-labelledby={conflictsId}>
              <thead>
                <tr>
                  <th scope="col">{t('sync.conflicts.customer')}</th>
                  <th scope="col">{t('sync.conflicts.field')}</th>
                  <th scope="col">{t('sync.conflicts.mine')}</th>
                  <th scope="col">{t('sync.conflicts.theirs')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('sync.conflicts.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {conflicts.map((c) => (
                  <ConflictRow key={c.id} conflict={c} onOpenCustomer={onOpenCustomer} onDone={setFlash} />
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>
      <section className="sync-list" aria-labelledby={parkedId}>
        <h2 id={parkedId}>{t('sync.parked.title', { count: parked.length })}</h2>
        {parked.length === 0 ? <p className="muted">{t('sync.parked.none')}</p> : <ParkedTable parked={parked} labelledBy={parkedId} onOpenCustomer={onOpenCustomer} onDone={setFlash} />}
      </section>
      {refused.length > 0 ? (
        <section className="sync-list" aria-labelledby={refusedId}>
          <h2 id={refusedId}>{t('sync.refused.title', { count: refused.length })}</h2>
          <RefusedList refused={refused} />
        </section>
      ) : null}
      {waitingForDetails.length > 0 ? (
        <section className="sync-list" aria-labelledby={waitingId}>
          <h2 id={waitingId}>{t('sync.waiting.title')}</h2>
          <WaitingList waiting={waitingForDetails} onOpenCustomer={onOpenCustomer} />
        </section>
      ) : null}
    </>
  );
}

type Flash = (message: { ok: boolean; text: string }) => void;

function CustomerLink({ id, name, onOpen }: { id: string; name: string; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  return (
    <button type="button" className="link" onClick={() => onOpen(id)}>
      {name || t('sync.unnamed')}
    </button>
  );
}

function ConflictRow({ conflict: c, onOpenCustomer, onDone }: { conflict: SyncConflict; onOpenCustomer: (id: string) => void; onDone: Flash }) {
  const { t, i18n } = useTranslation();
  const resolve = useResolveConflict();
  const field = fieldLabel(c.field, t);
  const name = c.customerName || t('sync.unnamed');
  const side = (which: 'mine' | 'theirs') => {
    const text =
      c.kind === 'deleted' ? (which === 'mine' ? t('sync.conflicts.editedHere') : t('sync.conflicts.deletedThere')) : valueText(c.field, c[which], t);
    return (
      <td className={c.kept === which ? 'sync-kept' : 'sync-lost'}>
        <span className="sync-value">{text}</span>
        {c.kept === which ? <span className="badge sync-kept-badge">{t('sync.conflicts.kept')}</span> : null}
      </td>
    );
  };
  // Said through the promise, not mutate()'s callbacks: those are dropped once this row is gone, and the
  // settled conflict's row goes as soon as the list is read again (the message then never showed; CI run 20).
  const keep = (which: 'mine' | 'theirs') =>
    resolve.mutateAsync({ id: c.id, keep: which }).then(
      () => onDone({ ok: true, text: t(which === 'mine' ? 'sync.conflicts.keptMine' : 'sync.conflicts.keptTheirs', { name, field }) }),
      (err: unknown) => onDone({ ok: false, text: syncError(err, t) }),
    );
  return (
    <tr>
      <th scope="row">
        <CustomerLink id={c.customerId} name={c.customerName} onOpen={onOpenCustomer} />
        <div className="muted small" title={formatMoment(c.detectedAt, i18n.language)}>
          {formatMoment(c.detectedAt, i18n.language)}
        </div>
      </th>
      <td>{field}</td>
      {side('mine')}
      {side('theirs')}
      <td className="row-actions">
        <button type="button" className="small" disabled={resolve.isPending} onClick={() => keep('mine')} aria-label={t('sync.conflicts.keepMineLabel', { name, field })}>
          {t('sync.conflicts.keepMine')}
        </button>
        <button type="button" className="small" disabled={resolve.isPending} onClick={() => keep('theirs')} aria-label={t('sync.conflicts.keepTheirsLabel', { name, field })}>
          {t('sync.conflicts.keepTheirs')}
        </button>
      </td>
    </tr>
  );
}

/** Cloud customers the local rules refuse: not copied here, so staff must hear of them from this screen. */
/** Incomplete customers sync holds back, each a way to the customer to complete them. */
function WaitingList({ waiting, onOpenCustomer }: { waiting: WaitingCustomer[]; onOpenCustomer: (id: string) => void }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <p className="muted">{t('sync.waiting.intro')}</p>
      <ul className="sync-waiting">
        {waiting.map((w) => (
          <li key={w.customerId}>
            <CustomerLink id={w.customerId} name={w.customerName} onOpen={onOpenCustomer} />
            <span className="muted">{t('sync.waiting.missing', { fields: missingFieldsText(w.missing, t, i18n.language) })}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

function RefusedList({ refused }: { refused: RefusedCustomer[] }) {
  const { t, i18n } = useTranslation();
  return (
    <>
      <p className="muted">{t('sync.refused.intro')}</p>
      <ul className="sync-refused">
        {refused.map((r) => (
          <li key={r.cloudId}>
            <p className="sync-error">{t('sync.refused.item', { name: r.customerName || t('sync.unnamed'), reason: r.reason })}</p>
            <p className="muted">
              {r.field && r.value !== null ? `${t('sync.refused.where', { field: refusedFieldLabel(r.field, t), value: r.value })} · ` : ''}
              {t('sync.refused.since', { when: formatMoment(r.detectedAt, i18n.language) })}
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}

function ParkedTable({ parked, labelledBy, onOpenCustomer, onDone }: { parked: ParkedChange[]; labelledBy: string; onOpenCustomer: (id: string) => void; onDone: Flash }) {
  const { t, i18n } = useTranslation();
  const retry = useRetryParked();
  // Through the promise, as ConflictRow's keep(): the table is gone once nothing is parked.
  const run = (id?: number) =>
    retry.mutateAsync(id === undefined ? {} : { id }).then(
      () => onDone({ ok: true, text: t('sync.parked.retried', { count: id === undefined ? parked.length : 1 }) }),
      (err: unknown) => onDone({ ok: false, text: syncError(err, t) }),
    );
  return (
    <>
      <p className="muted">{t('sync.parked.intro')}</p>
      <table className="admin-table" aria-labelledby={labelledBy}>
        <thead>
          <tr>
            <th scope="col">{t('sync.conflicts.customer')}</th>
            <th scope="col">{t('sync.parked.change')}</th>
            <th scope="col">{t('sync.parked.error')}</th>
            <th scope="col">{t('sync.parked.since')}</th>
            <th scope="col">
              {parked.length > 1 ? (
                <button type="button" className="small" disabled={retry.isPending} onClick={() => run()}>
                  {t('sync.parked.retryAll')}
                </button>
              ) : (
                <span className="visually-hidden">{t('sync.conflicts.actions')}</span>
              )}
            </th>
          </tr>
        </thead>
        <tbody>
          {parked.map((p) => (
            <tr key={p.id}>
              <th scope="row">
                <CustomerLink id={p.customerId} name={p.customerName} onOpen={onOpenCustomer} />
              </th>
              <td>{t(`sync.parked.ops.${p.entity}.${p.op}`)}</td>
              <td className="sync-error">{p.error}</td>
              <td>{formatMoment(p.parkedAt, i18n.language)}</td>
              <td className="row-actions">
                <button
                  type="button"
                  className="small"
                  disabled={retry.isPending}
                  onClick={() => run(p.id)}
                  aria-label={t('sync.parked.retryLabel', { name: p.customerName || t('sync.unnamed') })}
                >
                  {t('sync.parked.retry')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

type SettingsValues = z.input<typeof SyncConfigureInput>;
const settingsFields = ['baseUrl', 'storeId', 'email', 'password', 'requestsPerMinute'] as const satisfies readonly FieldPath<SettingsValues>[];
type SettingsField = (typeof settingsFields)[number];

/** The owner's settings: which cloud, which store, whose account. The password is asked each time. */
function SettingsCard({ status }: { status: SyncStatus }) {
  const { t } = useTranslation();
  const configure = useConfigureSync();
  const [flash, setFlash] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const headingId = useId();
  const ids = { baseUrl: useId(), storeId: useId(), email: useId(), password: useId(), requestsPerMinute: useId() };
  const config = status.config;
  const form = useForm<SettingsValues, unknown, z.output<typeof SyncConfigureInput>>({
    resolver: zodResolver(SyncConfigureInput),
    defaultValues: {
      baseUrl: config?.baseUrl ?? '',
      storeId: config?.storeId ?? '',
      email: config?.email ?? '',
      password: '',
      requestsPerMinute: config?.requestsPerMinute,
    },
  });
  const { errors } = form.formState;
  // The core's own words for what it refused (already in the staff's language); ours for the rest.
  const errorOf = (field: SettingsField) => {
    const error = errors[field];
    if (!error) return null;
    return error.type === 'server' && error.message ? error.message : t(`sync.form.invalid.${field}`);
  };

  const submit = form.handleSubmit(async (values) => {
    setFlash(null);
    setFormError(null);
    try {
      const out = await configure.mutateAsync(values);
      form.reset({ ...values, password: '' });
      setFlash(out.state === 'offline' || out.state === 'error' ? t('sync.form.savedOffline') : t('sync.form.saved'));
    } catch (err) {
      if (err instanceof AppError && err.code === 'sync.invalidCredentials') {
        form.setError('password', { type: 'server', message: t('errors.sync.invalidCredentials') }, { shouldFocus: true });
        return;
      }
      let placed = 0;
      if (err instanceof AppError) {
        for (const [path, messages] of Object.entries(err.fieldErrors ?? {})) {
          if (!(settingsFields as readonly string[]).includes(path) || !messages[0]) continue;
          form.setError(path as SettingsField, { type: 'server', message: fieldErrorText(err, path, t) ?? messages[0] }, { shouldFocus: placed === 0 });
          placed++;
        }
      }
      setFormError(placed > 0 ? t('form.fixErrors') : syncError(err, t));
    }
  });

  const field = (name: SettingsField, label: string, input: InputHTMLAttributes<HTMLInputElement>, hint?: string) => {
    const error = errorOf(name);
    const id = ids[name];
    const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
    return (
      <div className={`field${error ? ' invalid' : ''}`}>
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          {...input}
          {...form.register(name, name === 'requestsPerMinute' ? { setValueAs: (v: unknown) => (v === '' || v === undefined || v === null ? undefined : Number(v)) } : {})}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
        />
        {hint ? (
          <p id={`${id}-hint`} className="field-hint">
            {hint}
          </p>
        ) : null}
        {error ? (
          <p id={`${id}-error`} className="field-error">
            {error}
          </p>
        ) : null}
      </div>
    );
  };

  return (
    <section className="admin-card sync-settings" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('sync.form.title')}</h2>
      <p className="muted">{config ? t('sync.form.introChange') : t('sync.form.intro')}</p>
      <form noValidate onSubmit={(e) => void submit(e)} aria-labelledby={headingId} className="sync-form">
        {field('baseUrl', t('sync.form.baseUrl'), { type: 'url', spellCheck: false, autoComplete: 'off', placeholder: 'https://' }, t('sync.form.baseUrlHint'))}
        {field('storeId', t('sync.form.storeId'), { spellCheck: false, autoComplete: 'off' })}
        {field('email', t('sync.form.email'), { type: 'email', spellCheck: false, autoComplete: 'off' })}
        {field('password', t('sync.form.password'), { type: 'password', autoComplete: 'new-password' }, config ? t('sync.form.passwordAgain') : undefined)}
        {field('requestsPerMinute', t('sync.form.requestsPerMinute'), { type: 'number', inputMode: 'numeric', min: 0, step: 1, placeholder: '100' }, t('sync.form.requestsPerMinuteHint'))}
        <div className="sync-actions">
          <button type="submit" className="primary" disabled={configure.isPending}>
            {configure.isPending ? t('sync.form.saving') : t('sync.form.save')}
          </button>
          <span role="status" className={formError ? 'form-error' : 'flash'}>
            {formError ?? flash ?? ''}
          </span>
        </div>
      </form>
    </section>
  );
}
