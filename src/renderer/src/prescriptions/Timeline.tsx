import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { PrescriptionVersion } from '../../../shared/prescriptions/schema';
import { formatDay, formatMoment } from '../format';
import { useWriteGate } from '../licence/useWriteGate';
import { eyeLine, pathLabel, valueLabel } from './draft';

type Props = {
  versions: PrescriptionVersion[];
  /** The version open in the grid for a correction, if any. */
  correctingId: string | null;
  onCorrect: (version: PrescriptionVersion) => void;
};

/**
 * Every saved version, newest first: who saved it and when, which one is current, which one it
 * corrects, and what changed (against the corrected version, or the exam before).
 */
export function Timeline({ versions, correctingId, onCorrect }: Props) {
  const { t, i18n } = useTranslation();
  const gate = useWriteGate('prescriptions.correct');
  const titleId = useId();
  const byId = new Map(versions.map((v) => [v.id, v]));
  const correctedBy = new Map(versions.flatMap((v) => (v.correctsId ? [[v.correctsId, v] as const] : [])));

  return (
    <section className="rx-timeline" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('rx.timeline.title')}</h2>
      {versions.length === 0 ? <p className="muted">{t('rx.timeline.empty')}</p> : null}
      <ol className="timeline" aria-labelledby={titleId}>
        {versions.map((v) => {
          const corrects = v.correctsId ? byId.get(v.correctsId) : undefined;
          const newer = correctedBy.get(v.id);
          const first = !v.correctsId && v.version === 1;
          return (
            <li
              key={v.id}
              aria-label={t('rx.timeline.version', { version: v.version })}
              className={`timeline-item${v.current ? ' current' : ''}${newer ? ' superseded' : ''}${v.id === correctingId ? ' correcting' : ''}`}
            >
              <div className="timeline-head">
                <strong className="timeline-version">{t('rx.timeline.versionShort', { version: v.version })}</strong>
                {v.current ? <span className="badge current">{t('rx.timeline.current')}</span> : null}
                {corrects ? <span className="badge corrects">{t('rx.timeline.corrects', { version: corrects.version })}</span> : null}
                {newer ? <span className="badge">{t('rx.timeline.correctedBy', { version: newer.version })}</span> : null}
                <span className="spacer" />
                {!newer ? (
                  <button
                    type="button"
                    className="small"
                    onClick={() => onCorrect(v)}
                    disabled={gate.disabled || v.id === correctingId}
                    title={gate.reason ?? undefined}
                    aria-label={t('rx.timeline.correctLabel', { version: v.version })}
                  >
                    {t('rx.timeline.correct')}
                  </button>
                ) : null}
              </div>
              <p className="timeline-meta">
                {t('rx.timeline.meta', {
                  exam: formatDay(v.rx.examDate, i18n.language),
                  saved: formatMoment(v.createdAt, i18n.language),
                  who: v.createdByName,
                })}
                {v.rx.prescriber ? ` · ${v.rx.prescriber}` : ''}
              </p>
              <p className="timeline-summary">
                {/* Rx lines read left to right in every language, as on the card. */}
                <span dir="ltr">
                  {t('rx.eye.rightEye')} {eyeLine(v.rx.distanceVision.rightEye, t)}
                </span>
                <span dir="ltr">
                  {t('rx.eye.leftEye')} {eyeLine(v.rx.distanceVision.leftEye, t)}
                </span>
              </p>
              {first ? (
                <p className="timeline-changes muted">{t('rx.timeline.first')}</p>
              ) : v.changes.length === 0 ? (
                <p className="timeline-changes muted">{t('rx.timeline.noChanges')}</p>
              ) : (
                <ul className="timeline-changes" aria-label={t('rx.timeline.changes')}>
                  {v.changes.map((c) => (
                    <li key={c.path}>
                      <span className="change-path">{pathLabel(c.path, t)}</span>: <bdi>{valueLabel(c.path, c.from, t)}</bdi> <span className="change-arrow">→</span>{' '}
                      <bdi>{valueLabel(c.path, c.to, t)}</bdi>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
