import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import type { OpticValues } from '../../../shared/customers/schema';
import { eyeKeys, visionKeys } from '../../../shared/customers/schema';
import { displayOpticValue } from '../../../shared/prescriptions/optic-data';

const measureKeys = ['sph', 'cyl', 'axis'] as const;

/**
 * Seed 001's opticData, read-only: what a customer recorded before prescriptions were versions (or
 * as the cloud first sent it) still shows on the Details tab. Prescriptions are typed in one place
 * only, the Prescription tab's grid.
 */
export function OpticGrid({ optic }: { optic: OpticValues }) {
  const { t } = useTranslation();
  return (
    // Left to right in every language, as printed Rx cards are.
    <table className="optic-grid" dir="ltr">
      <thead>
        <tr>
          <th scope="col">
            <span className="visually-hidden">{t('rx.visionColumn')}</span>
          </th>
          <th scope="col">{t('optic.eye')}</th>
          {measureKeys.map((m) => (
            <th key={m} scope="col">
              {t(`optic.${m}`)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {visionKeys.map((v) => (
          <Fragment key={v}>
            {eyeKeys.map((e, i) => (
              <tr key={e} className={i === 0 ? 'vision-first' : undefined}>
                {i === 0 ? (
                  <th scope="rowgroup" rowSpan={eyeKeys.length} className="vision-name">
                    {t(`optic.${v}Short`)}
                  </th>
                ) : null}
                <th scope="row" className="eye-name" title={t(`optic.${e}Title`)}>
                  {t(`optic.${e}Short`)}
                </th>
                {measureKeys.map((m) => (
                  <td key={m}>{displayOpticValue(m, optic[v]?.[e]?.[m], optic[v]?.[e])}</td>
                ))}
              </tr>
            ))}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}
