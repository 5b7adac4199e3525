import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatSphericalEquivalent, lensOf } from '../../../shared/prescriptions/rules';
import type { EyeRx, Rx } from '../../../shared/prescriptions/schema';
import { isDerivedRow, rxEyes, rxMeasures, rxVisions, type RxMeasure } from './draft';

type Props = {
  rx: Rx;
  caption?: ReactNode;
  className?: string;
  /** The spherical equivalent of the distance rows, in a last column (as the grid shows it). */
  withSe?: boolean;
  /** Only the columns something is written in (SPH, CYL and AXIS always): for the printed card. */
  compact?: boolean;
};

function se(eye: EyeRx): string {
  return formatSphericalEquivalent(lensOf(eye));
}

/**
 * A saved prescription, read-only, in the grid's own layout (OD above OS, the same columns), so it
 * can sit above the grid being typed for comparison, and on the printed card.
 */
export function RxTable({ rx, caption, className, withSe, compact }: Props) {
  const { t } = useTranslation();
  const rows = rxVisions.flatMap((v) => (rx[v] ? [v] : []));
  const always: readonly RxMeasure[] = ['sph', 'cyl', 'axis'];
  const columns = compact ? rxMeasures.filter((m) => always.includes(m) || rows.some((v) => rxEyes.some((e) => rx[v]?.[e][m]))) : rxMeasures;
  return (
    // Left to right in every language, as printed Rx cards are.
    <table className={`rx-table${className ? ` ${className}` : ''}`} dir="ltr">
      {caption ? <caption>{caption}</caption> : null}
      <RxHead columns={columns} withSe={withSe} />
      <tbody>
        {rows.map((v) => {
          const vision = rx[v];
          if (!vision) return null;
          const derived = v !== 'distanceVision' && isDerivedRow(rx, v);
          return (
            <Fragment key={v}>
              {rxEyes.map((e, i) => {
                const eye = vision[e];
                return (
                  <tr key={e} className={`${i === 0 ? 'group-first' : ''}${derived ? ' derived' : ''}`}>
                    {i === 0 ? (
                      <th scope="rowgroup" rowSpan={2} className="vision-name">
                        {t(`rx.visionShort.${v}`)}
                        {derived ? <span className="derived-note">{t('rx.fromAdd')}</span> : null}
                      </th>
                    ) : null}
                    <th scope="row" className="eye-name">
                      {t(`rx.eye.${e}`)}
                    </th>
                    {columns.map((m) => {
                      const value = eye[m];
                      return <td key={m}>{value ? (m === 'base' ? t(`rx.base.${value}`, { defaultValue: value }) : value) : ''}</td>;
                    })}
                    {withSe ? <td className="rx-se">{v === 'distanceVision' ? se(eye) : ''}</td> : null}
                  </tr>
                );
              })}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}

/** The grid's header row: vision and eye (named for assistive tech only), the measures, the SE. `titled`: each measure explained in its title. */
export function RxHead({ columns, withSe, titled }: { columns: readonly RxMeasure[]; withSe?: boolean | undefined; titled?: boolean }) {
  const { t } = useTranslation();
  return (
    <thead>
      <tr>
        <th scope="col">
          <span className="visually-hidden">{t('rx.visionColumn')}</span>
        </th>
        <th scope="col">
          <span className="visually-hidden">{t('rx.eyeColumn')}</span>
        </th>
        {columns.map((m) => (
          <th key={m} scope="col" title={titled ? t(`rx.measureTitle.${m}`) : undefined}>
            {t(`rx.measure.${m}`)}
          </th>
        ))}
        {withSe ? (
          <th scope="col" title={t('rx.seTitle')}>
            {t('rx.se')}
          </th>
        ) : null}
      </tr>
    </thead>
  );
}
