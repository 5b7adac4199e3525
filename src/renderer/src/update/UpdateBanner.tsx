import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../api/errors';
import { useRestartToUpdate, useUpdateStatus } from './queries';

/**
 * "Update ready — Restart to update": a quiet bar above the footer, never a dialog. The poll tells
 * the core whether staff are busy with a customer; the core offers the restart only when they are
 * not, so the bar never appears in the middle of serving someone. Nothing installs until staff click
 * (or the app quits).
 */
export const UpdateBanner = memo(function UpdateBanner({ busy }: { busy: boolean }) {
  const { t } = useTranslation();
  const status = useUpdateStatus(busy);
  const restart = useRestartToUpdate();

  const data = status.data;
  if (!data || !data.offerRestart || busy) return null;
  const notes = data.releaseNotes ?? [];
  return (
    <section className="update-banner" aria-label={t('update.label')}>
      <span className="update-title">{t('update.ready', { version: data.version ?? '' })}</span>
      {notes.length > 0 ? (
        <details className="update-notes">
          <summary>{t('update.notes')}</summary>
          {notes.map((note, i) => (
            <div key={i} className="update-note">
              {note.version ? <strong>{note.version}</strong> : null}
              <p>{note.text}</p>
            </div>
          ))}
        </details>
      ) : null}
      {restart.isError ? (
        <span className="update-error" role="alert">
          {errorMessage(restart.error, t)}
        </span>
      ) : null}
      <button type="button" className="primary" disabled={restart.isPending || restart.isSuccess} onClick={() => restart.mutate()} title={t('update.restartHint')}>
        {restart.isPending || restart.isSuccess ? t('update.restarting') : t('update.restart')}
      </button>
    </section>
  );
});
