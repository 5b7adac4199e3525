import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { CellInput } from './fields';
import { eyeKeys, measureKeys, visionKeys } from './formModel';

/**
 * The prescription as opticians write it: per vision, right eye (OD) above left eye (OS), columns
 * SPH / CYL / Axis. Each cell's accessible name spells out all three, e.g. "Distance vision, OD (right
 * eye), SPH".
 */
export function OpticGrid() {
  const { t } = useTranslation();
  return (
    <table className="optic-grid">
      <thead>
        <tr>
          <th scope="col" />
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
                  <td key={m}>
                    <CellInput
                      name={`opticData.${v}.${e}.${m}`}
                      label={t('optic.cell', { vision: t(`optic.${v}`), eye: t(`optic.${e}`), measure: t(`optic.${m}`) })}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}
