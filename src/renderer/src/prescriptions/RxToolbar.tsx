import { useTranslation } from 'react-i18next';
import type { PrescriptionVersion, RxWarning } from '../../../shared/prescriptions/schema';
import { WarningText } from './feedback';
import { StatusLine } from '../components/StatusLine';

/** The editor's title, the way out of a correction, and the warnings no field holds. */
export function RxEditorHead({ title, correcting, onCancelCorrection, topWarnings }: { title: string; correcting: boolean; onCancelCorrection: () => void; topWarnings: RxWarning[] }) {
  const { t } = useTranslation();
  return (
    <>
      <div className="rx-editor-head">
        <h2>{title}</h2>
        {correcting ? (
          <button type="button" onClick={onCancelCorrection}>
            {t('rx.cancelCorrection')}
          </button>
        ) : null}
        <span className="spacer" />
      </div>
      {topWarnings.length > 0 ? (
        <ul className="rx-warnings" aria-label={t('rx.warnings')}>
          {topWarnings.map((w, i) => (
            <WarningText key={`${w.code}-${i}`} warning={w} as="li" />
          ))}
        </ul>
      ) : null}
    </>
  );
}

type ToolbarProps = { onTranspose: () => void; onCopy: () => void; reference: PrescriptionVersion | null; notice: string | null };

/** The whole-grid actions (transpose, copy OD→OS), the legend of changed cells and the keys. */
export function RxToolbar({ onTranspose, onCopy, reference, notice }: ToolbarProps) {
  const { t } = useTranslation();
  return (
    <>
      <div className="rx-actions" role="group" aria-label={t('rx.gridActions')}>
        <button type="button" onClick={onTranspose} title={t('rx.transposeHint')}>
          ⇄ {t('rx.transpose')}
        </button>
        <button type="button" onClick={onCopy} title={t('rx.copyHint')}>
          {t('rx.copyOdOs')}
        </button>
        {reference ? (
          <span className="rx-legend">
            <span className="rx-dot" aria-hidden="true" /> {t('rx.changedLegend', { version: reference.version })}
          </span>
        ) : null}
        <span className="rx-keys">{t('rx.keys')}</span>
        <span className="rx-keys">{t('rx.lineHint')}</span>
      </div>
      <StatusLine className="rx-notice">{notice}</StatusLine>
    </>
  );
}
