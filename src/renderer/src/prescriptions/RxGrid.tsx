import { Fragment, useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { RxCheck, RxWarning } from '../../../shared/prescriptions/schema';
import { normalisePd, pdKeys, rxEyes, rxMeasures, rxVisions, type RxEye, type RxVision } from './draft';
import { RowMessages, useFeedback, WarningText } from './feedback';
import { cellMessageId, DerivedCell, RxCell, RxField } from './RxFields';
import { RxHead } from './RxTable';

type Props = {
  /** Whether a row is the one the ADD gives (shown, never typed in). */
  followsAdd: (v: RxVision) => boolean;
  normalized: RxCheck['normalized'];
  warningsByPath: Map<string, RxWarning[]>;
  se: RxCheck['derived']['sphericalEquivalent'];
};

/** The grid: distance, intermediate and near rows × OD/OS, each row's messages under it, and the PD beside. */
export function RxGrid({ followsAdd, normalized, warningsByPath, se }: Props) {
  const { t } = useTranslation();
  return (
    // Left to right in every language, as printed Rx cards are: OD before OS, signs before numbers.
    <div className="rx-grid-row" dir="ltr">
      <table className="rx-grid">
        <RxHead columns={rxMeasures} withSe titled />
        {rxVisions.map((v) => (
          <VisionRows key={v} v={v} derived={followsAdd(v)} normalized={normalized} warnings={warningsByPath.get(v) ?? []} se={se} />
        ))}
      </table>

      <fieldset className="rx-pd">
        <legend>{t('rx.pd.title')}</legend>
        {pdKeys.map((k) => (
          <RxField
            key={k}
            path={`pd.${k}`}
            label={t(`rx.pd.${k}`)}
            inputMode="decimal"
            tidy={(s) => normalisePd(k, s)}
            {...(k === 'binocular' ? { derivedTitle: t('rx.pd.binocularDerived') } : {})}
          />
        ))}
      </fieldset>
    </div>
  );
}

type RowsProps = { v: RxVision; derived: boolean; normalized: RxCheck['normalized']; warnings: RxWarning[]; se: RxCheck['derived']['sphericalEquivalent'] };

/** One vision's rows: each eye's row, then the messages of its cells on a line of their own. */
function VisionRows({ v, derived, normalized, warnings, se }: RowsProps) {
  const { t } = useTranslation();
  const lookup = useFeedback();
  const gridId = useId();
  const measures = rxMeasures.filter((m) => m !== 'add' || v === 'distanceVision');
  const rows = rxEyes.map((e) => {
    const messages = measures.flatMap((m) => {
      const path = `${v}.${e}.${m}`;
      const feedback = lookup.at(path);
      return feedback.error || feedback.warnings.length > 0 ? [{ id: cellMessageId(gridId, path), field: t(`rx.measure.${m}`), feedback }] : [];
    });
    return { e, messages };
  });
  const span = rows.reduce((n, r) => n + 1 + (r.messages.length > 0 ? 1 : 0), 0);
  const cellLabel = (e: RxEye, m: string) => t('rx.cellLabel', { eye: t(`rx.eye.${e}`), vision: t(`rx.visionInLabel.${v}`), measure: t(`rx.measure.${m}`) });
  return (
    <tbody className={`rx-group${derived ? ' derived' : ''}`}>
      {rows.map(({ e, messages }, i) => (
        <Fragment key={e}>
          <tr>
            {i === 0 ? (
              <th scope="rowgroup" rowSpan={span} className="vision-name">
                {t(`rx.visionShort.${v}`)}
                {derived ? <span className="derived-note">{t('rx.fromAdd')}</span> : null}
              </th>
            ) : null}
            <th scope="row" className="eye-name" title={t(`rx.eyeTitle.${e}`)}>
              {t(`rx.eye.${e}`)}
            </th>
            {rxMeasures.map((m) => (
              <td key={m}>
                {m === 'add' && v !== 'distanceVision' ? (
                  <span className="rx-na" aria-hidden="true" />
                ) : derived ? (
                  // A row the ADD gives is shown, never typed in: one value, one place to change it.
                  <DerivedCell value={normalized[v]?.[e][m] ?? ''} label={cellLabel(e, m)} />
                ) : (
                  <RxCell path={`${v}.${e}.${m}`} measure={m} messageId={cellMessageId(gridId, `${v}.${e}.${m}`)} label={cellLabel(e, m)} />
                )}
              </td>
            ))}
            <td className="rx-se">
              {v === 'distanceVision' ? <output aria-label={t('rx.seLabel', { eye: t(`rx.eye.${e}`) })}>{(e === 'rightEye' ? se.right : se.left) ?? ''}</output> : null}
            </td>
          </tr>
          {messages.length > 0 ? (
            <tr className="rx-row-messages">
              <td />
              <td colSpan={rxMeasures.length + 1}>
                <RowMessages items={messages} />
              </td>
            </tr>
          ) : null}
        </Fragment>
      ))}
      {warnings.length > 0 ? (
        <tr className="rx-group-warnings">
          <td colSpan={rxMeasures.length + 3}>
            {warnings.map((w, i) => (
              <WarningText key={`${w.code}-${i}`} warning={w} />
            ))}
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}
