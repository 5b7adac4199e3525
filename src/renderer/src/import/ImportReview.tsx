import { useId, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { type ImportMapping, duplicateChoices } from '../../../shared/import/schema';
import { formatDay } from '../format';
import { useMessageText } from '../i18n/messages';
import { type Choice, doubleMapped, fieldGroups, fieldKey, problemFieldKey, remap } from './importModel';
import type { ImportFile } from './ImportScreen';

type Preview = ChannelOutput<'import.preview'>;
type DateOrder = Preview['dateOrder'];
export type ReviewChoices = { fallback: Choice; rows: ReadonlyMap<number, Choice> };

const dateOrders: DateOrder[] = ['auto', 'dmy', 'mdy', 'ymd'];

type Props = {
  file: ImportFile;
  preview: Preview;
  checking: boolean;
  onRecheck: (mapping: ImportMapping, dateOrder: DateOrder) => void;
  onImport: (choices: ReviewChoices) => void;
};

/** The mapping of the file's columns, then the preview it gives, then Import. */
export function ImportReview({ file, preview, checking, onRecheck, onImport }: Props) {
  const { t } = useTranslation();
  const [mapping, setMapping] = useState<ImportMapping>(preview.mapping);
  const [dateOrder, setDateOrder] = useState<DateOrder>('auto');
  const [fallback, setFallback] = useState<Choice>('skip');
  const [rows, setRows] = useState<ReadonlyMap<number, Choice>>(new Map());
  const summary = [
    preview.format === 'xlsx' ? 'Excel (.xlsx)' : 'CSV',
    preview.encoding,
    preview.delimiter ? t('importer.delimiter', { delimiter: preview.delimiter === '\t' ? 'Tab' : preview.delimiter }) : null,
    t('importer.rows', { count: preview.totalRows }),
  ].filter(Boolean);

  const change = (next: ImportMapping, order: DateOrder) => {
    setMapping(next);
    setDateOrder(order);
    onRecheck(next, order);
  };

  return (
    <div className="import-review">
      <p className="import-file">
        <strong>{file.fileName}</strong> <span className="muted">{summary.join(' · ')}</span>
      </p>
      <MappingTable preview={preview} mapping={mapping} onChange={(next) => change(next, dateOrder)} />
      <div className="import-options">
        <label className="field inline">
          <span>{t('importer.dateOrder')}</span>
          <select value={dateOrder} onChange={(e) => change(mapping, e.target.value as DateOrder)}>
            {dateOrders.map((o) => (
              <option key={o} value={o}>
                {o === 'auto' ? t('importer.dateOrders.auto', { found: t(`importer.dateOrders.${preview.dateOrder}`) }) : t(`importer.dateOrders.${o}`)}
              </option>
            ))}
          </select>
        </label>
        <span className={`busy${checking ? ' on' : ''}`} aria-hidden="true" />
        <span role="status" className="muted">
          {checking ? t('importer.checking') : ''}
        </span>
      </div>
      <PreviewRows preview={preview} />
      <Problems preview={preview} />
      <Duplicates preview={preview} fallback={fallback} rows={rows} onFallback={setFallback} onRow={(row, c) => {
          const next = new Map(rows);
          if (c) next.set(row, c);
          else next.delete(row);
          setRows(next);
        }} />
      <div className="import-go">
        <button type="button" className="primary" disabled={checking} onClick={() => onImport({ fallback, rows })}>
          {t('importer.import', { count: preview.totalRows })}
        </button>
      </div>
    </div>
  );
}

/** Each column of the file: its header, a few of its values, and the field it fills. */
function MappingTable({ preview, mapping, onChange }: { preview: Preview; mapping: ImportMapping; onChange: (m: ImportMapping) => void }) {
  const { t } = useTranslation();
  const titleId = useId();
  const twice = doubleMapped(mapping);
  return (
    <>
      <h2 id={titleId} className="import-h2">
        {t('importer.mapping.title')} <span className="muted import-source">{t(`importer.mapping.source.${preview.mappingSource}`)}</span>
      </h2>
      <table className="admin-table import-mapping" aria-labelledby={titleId}>
        <thead>
          <tr>
            <th scope="col">{t('importer.mapping.column')}</th>
            <th scope="col">{t('importer.mapping.samples')}</th>
            <th scope="col">{t('importer.mapping.field')}</th>
          </tr>
        </thead>
        <tbody>
          {preview.columns.map((c) => {
            const field = mapping[c.header] ?? null;
            return (
              <tr key={c.index} className={field ? undefined : 'disabled'}>
                <th scope="row">{c.header}</th>
                <td className="import-samples">
                  {/* Each value keeps its own direction: "-1,25" stays as written inside Arabic. */}
                  {c.samples.filter((s) => s !== '').slice(0, 3).map((s, i) => (
                    <span key={i}>
                      {i > 0 ? ' · ' : ''}
                      <bdi>{s}</bdi>
                    </span>
                  ))}
                </td>
                <td>
                  <select aria-label={t('importer.mapping.fieldOf', { column: c.header })} value={field ?? ''} onChange={(e) => onChange(remap(mapping, c.header, e.target.value))}>
                    <option value="">{t('importer.mapping.none')}</option>
                    {fieldGroups.map((g) => (
                      <optgroup key={g.group} label={t(`importer.mapping.groups.${g.group}`)}>
                        {g.fields.map((f) => (
                          <option key={f} value={f}>
                            {t(`importer.fields.${fieldKey(f)}`)}
                          </option>
                        ))}
                      </optgroup>
                    ))}
                  </select>
                  {field && twice.has(field) ? <span className="field-error import-twice">{t('importer.mapping.twice')}</span> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </>
  );
}

const shownFields = ['firstName', 'lastName', 'email', 'phoneNumber', 'dateOfBirth', 'sex', 'city'] as const;

/** The first rows as they would be stored, each with its problems. */
function PreviewRows({ preview }: { preview: Preview }) {
  const { t, i18n } = useTranslation();
  const say = useMessageText();
  const titleId = useId();
  const cell = (f: (typeof shownFields)[number], v: string | null) =>
    v === null ? '' : f === 'dateOfBirth' ? formatDay(v, i18n.language) : f === 'sex' ? t(`importer.sex.${v}`, { defaultValue: v }) : v;
  return (
    <>
      <h2 id={titleId} className="import-h2">
        {t('importer.preview.title', { count: preview.rows.length })}
      </h2>
      <div className="import-preview-wrap">
        <table className="admin-table import-preview" aria-labelledby={titleId}>
          <thead>
            <tr>
              <th scope="col" className="num">{t('importer.preview.row')}</th>
              {shownFields.map((f) => (
                <th key={f} scope="col">{t(`importer.fields.${f}`)}</th>
              ))}
              <th scope="col">{t('importer.preview.rx')}</th>
              <th scope="col">{t('importer.preview.problems')}</th>
            </tr>
          </thead>
          <tbody>
            {preview.rows.map((r) => (
              <tr key={r.row} className={r.problems.length > 0 ? 'has-problems' : undefined}>
                <th scope="row" className="num">{r.row}</th>
                {shownFields.map((f) => (
                  <td key={f}>{cell(f, r.customer[f] ?? null)}</td>
                ))}
                <td className="import-rx" dir="ltr">{r.prescription ? rxSummary(r.prescription) : ''}</td>
                <td className="import-problem-cell">
                  {r.problems.length > 0 ? (
                    <ul className="import-problems">
                      {r.problems.map((p, i) => (
                        <li key={i}>{problemLine(p, t, say)}</li>
                      ))}
                    </ul>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** OD and OG sphere/cylinder/axis/add in one short line, as written on a prescription. */
function rxSummary(p: Record<string, string | null>): string {
  const eye = (side: 'rightEye' | 'leftEye', name: string) => {
    const v = ['sph', 'cyl', 'axis', 'add'].map((m) => p[`${side}.${m}`]).filter((x): x is string => Boolean(x));
    return v.length > 0 ? `${name} ${v.join(' ')}` : null;
  };
  return [eye('rightEye', 'OD'), eye('leftEye', 'OG'), p.examDate].filter(Boolean).join(' · ');
}

type Problem = Preview['problems'][number];

function problemLine(p: Problem, t: TFunction, say: (m: Problem) => string): string {
  const key = problemFieldKey(p.field);
  return key ? t('importer.problemLine', { field: t(`importer.fields.${key}`), message: say(p) }) : say(p);
}

/** Every problem of the file by row (capped by the core), and how many rows have one. */
function Problems({ preview }: { preview: Preview }) {
  const { t } = useTranslation();
  const say = useMessageText();
  if (preview.problemRows === 0 && preview.skipRows === 0) return <p className="flash">{t('importer.problems.none')}</p>;
  return (
    <details className="import-problem-list" open={preview.problems.length <= 12}>
      <summary>
        {t('importer.problems.summary', { count: preview.problemRows })}
        {preview.skipRows > 0 ? ` · ${t('importer.problems.skipped', { count: preview.skipRows })}` : ''}
      </summary>
      <ul>
        {preview.problems.map((p, i) => (
          <li key={i}>
            <span className="import-problem-row">{t('importer.problems.row', { row: p.row })}</span> {problemLine(p, t, say)}
          </li>
        ))}
      </ul>
    </details>
  );
}

type DupProps = { preview: Preview; fallback: Choice; rows: ReadonlyMap<number, Choice>; onFallback: (c: Choice) => void; onRow: (row: number, c: Choice | null) => void };

/** Rows that look like a customer already here: the match and why, and what to do with each. */
function Duplicates({ preview, fallback, rows, onFallback, onRow }: DupProps) {
  const { t } = useTranslation();
  const titleId = useId();
  if (preview.duplicates.length === 0) return null;
  return (
    <>
      <h2 id={titleId} className="import-h2">
        {t('importer.duplicates.title', { count: preview.duplicates.length })}
      </h2>
      <label className="field inline">
        <span>{t('importer.duplicates.default')}</span>
        <select value={fallback} onChange={(e) => onFallback(e.target.value as Choice)}>
          {duplicateChoices.map((c) => (
            <option key={c} value={c}>
              {t(`importer.duplicates.choice.${c}`)}
            </option>
          ))}
        </select>
      </label>
      <table className="admin-table import-duplicates" aria-labelledby={titleId}>
        <thead>
          <tr>
            <th scope="col" className="num">{t('importer.preview.row')}</th>
            <th scope="col">{t('importer.duplicates.match')}</th>
            <th scope="col">{t('importer.duplicates.why')}</th>
            <th scope="col">{t('importer.duplicates.choiceLabel')}</th>
          </tr>
        </thead>
        <tbody>
          {preview.duplicates.map((d) => (
            <tr key={d.row}>
              <th scope="row" className="num">{d.row}</th>
              <td>{d.name}</td>
              <td>{d.reasons.map((r) => t(`duplicates.reason.${r}`, { defaultValue: r })).join(t('duplicates.reasonSeparator'))}</td>
              <td>
                <select aria-label={t('importer.duplicates.choiceFor', { row: d.row, name: d.name })} value={rows.get(d.row) ?? ''} onChange={(e) => onRow(d.row, (e.target.value || null) as Choice | null)}>
                  <option value="">{t('importer.duplicates.asDefault', { choice: t(`importer.duplicates.choice.${fallback}`) })}</option>
                  {duplicateChoices.map((c) => (
                    <option key={c} value={c}>
                      {t(`importer.duplicates.choice.${c}`)}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
