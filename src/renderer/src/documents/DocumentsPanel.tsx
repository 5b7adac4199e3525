import { useEffect, useId, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { attachmentFields, MAX_ATTACHMENT_BYTES, type Attachment } from '../../../shared/attachments/schema';
import { AppError } from '../../../shared/errors';
import { errorMessage } from '../api/errors';
import { useAddAttachment, useAttachmentBytes, useAttachments, useRemoveAttachment, useSetAttachmentType } from './queries';
import { useSignedIn } from '../auth/AuthProvider';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { formatBytes, formatMoment } from '../format';
import { useWriteGate, WriteGateNote, type WriteGate } from '../licence/useWriteGate';
import { blobFromBase64, readBase64 } from './files';
import { FormError } from '../components/FormError';

type Field = (typeof attachmentFields)[number];
const ACCEPT = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';
/** The largest document, with the language's unit symbol (20 MB, 20 Mo). */
const maxText = (language: string) => formatBytes(MAX_ATTACHMENT_BYTES, language);

function hasFiles(e: DragEvent): boolean {
  return [...e.dataTransfer.types].includes('Files');
}

/** A file dropped next to the drop zone must not make the window navigate to it. */
function useNoNavigationOnDrop() {
  useEffect(() => {
    const stop = (e: globalThis.DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    };
    window.addEventListener('dragover', stop);
    window.addEventListener('drop', stop);
    return () => {
      window.removeEventListener('dragover', stop);
      window.removeEventListener('drop', stop);
    };
  }, []);
}

/**
 * Adding files one after the other; the ones refused are said with why (`problems`). Size is checked
 * here too, so a 300 MB scan is not read into memory only to be refused.
 */
function useAddFiles(customerId: string, field: Field, onAdded: (id: string) => void) {
  const { t, i18n } = useTranslation();
  const add = useAddAttachment();
  const [problems, setProblems] = useState<string[]>([]);
  const [adding, setAdding] = useState<string | null>(null);

  const refusal = (error: unknown, name: string): string => {
    if (error instanceof AppError && error.code === 'attachment.badType') return t('docs.errors.badType', { name, detail: error.message });
    if (error instanceof AppError && error.code === 'attachment.tooLarge') return t('docs.errors.tooLarge', { name, max: maxText(i18n.language) });
    return t('docs.errors.other', { name, message: errorMessage(error, t) });
  };

  const addFiles = async (picked: File[]) => {
    const refused: string[] = [];
    setProblems([]);
    for (const file of picked) {
      if (file.size > MAX_ATTACHMENT_BYTES) {
        refused.push(t('docs.errors.tooLarge', { name: file.name, max: maxText(i18n.language) }));
        continue;
      }
      if (file.size === 0) {
        refused.push(t('docs.errors.empty', { name: file.name }));
        continue;
      }
      setAdding(file.name);
      try {
        const saved = await add.mutateAsync({ customerId, field, fileName: file.name, bytes: await readBase64(file) });
        onAdded(saved.id);
      } catch (error) {
        refused.push(refusal(error, file.name));
      }
    }
    setAdding(null);
    setProblems(refused);
  };
  return { addFiles, problems, adding, busy: add.isPending };
}

/**
 * The customer's documents: the prescription scan, the ID card, anything else. Added with the file
 * picker or by dropping files on the section; the core checks the type by content (PDF, JPEG, PNG)
 * and the size. Images preview inline, PDFs in a frame.
 */
export function DocumentsPanel({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const list = useAttachments(customerId);
  const remove = useRemoveAttachment(customerId);
  const [field, setField] = useState<Field>('prescription');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const [toRemove, setToRemove] = useState<Attachment | null>(null);
  const [removeError, setRemoveError] = useState<string | null>(null);

  const files = list.data ?? [];
  const selected = files.find((f) => f.id === selectedId) ?? null;

  useNoNavigationOnDrop();

  const { addFiles, problems, adding, busy } = useAddFiles(customerId, field, setSelectedId);
  const addGate = useWriteGate('attachments.add');
  const removeGate = useWriteGate('attachments.remove');
  // Removing is the owner's (the core refuses staff): staff see no Remove button.
  const { isOwner } = useSignedIn();
  const retype = useRetype(customerId);

  const onDrop = (e: DragEvent<HTMLElement>) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    setDragging(false);
    if (addGate.disabled) return;
    void addFiles([...e.dataTransfer.files]);
  };

  const onRemove = async () => {
    if (!toRemove) return;
    setRemoveError(null);
    try {
      await remove.mutateAsync(toRemove.id);
      if (selectedId === toRemove.id) setSelectedId(null);
      setToRemove(null);
    } catch (error) {
      setRemoveError(t('docs.remove.error', { message: errorMessage(error, t) }));
    }
  };

  return (
    <section
      className={`docs${dragging ? ' dragging' : ''}`}
      aria-label={t('docs.title')}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        if (!dragging) setDragging(true);
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={onDrop}
    >
      <AddBar field={field} onField={setField} busy={busy} gate={addGate} adding={adding} onFiles={(picked) => void addFiles(picked)} />

      <Problems problems={problems} />
      <span role="status" className={retype.message?.ok === false ? 'form-error' : 'flash'} data-testid="docs-retype-status">
        {retype.message?.text ?? ''}
      </span>

      {list.isError ? <FormError>{t('docs.loadError', { message: errorMessage(list.error, t) })}</FormError> : null}

      <div className="docs-body">
        <div className="docs-list">
          {list.isSuccess && files.length === 0 ? <p className="muted docs-empty">{t('docs.empty')}</p> : null}
          {files.length > 0 ? (
            <DocumentsTable
              files={files}
              selectedId={selectedId}
              removeGate={removeGate}
              canRemove={isOwner}
              retype={retype}
              onSelect={setSelectedId}
              onRemove={(f) => {
                setRemoveError(null);
                setToRemove(f);
              }}
            />
          ) : null}
          <p className={`docs-drop${dragging ? ' on' : ''}`} aria-hidden="true">
            {t('docs.drop')}
          </p>
        </div>

        {selected ? <Preview key={selected.id} attachment={selected} onClose={() => setSelectedId(null)} /> : null}
      </div>

      {toRemove ? (
        <ConfirmDialog
          title={t('docs.remove.title')}
          body={t('docs.remove.body', { name: toRemove.fileName })}
          confirmLabel={remove.isPending ? t('docs.remove.removing') : t('docs.remove.confirm')}
          cancelLabel={t('docs.remove.cancel')}
          danger
          busy={remove.isPending}
          error={removeError}
          onConfirm={() => void onRemove()}
          onCancel={() => setToRemove(null)}
        />
      ) : null}
    </section>
  );
}

/** The file itself: an image inline, a PDF in a frame, both from a blob: URL freed when gone. */
function Preview({ attachment, onClose }: { attachment: Attachment; onClose: () => void }) {
  const { t } = useTranslation();
  const bytes = useAttachmentBytes(attachment.id);
  const imgRef = useRef<HTMLImageElement>(null);
  const frameRef = useRef<HTMLIFrameElement>(null);
  const base64 = bytes.data?.bytes;

  // The URL is made and freed by the same effect (and set on the element directly), so it lives
  // exactly as long as the element shows it.
  useEffect(() => {
    const target = attachment.mimeType === 'application/pdf' ? frameRef.current : imgRef.current;
    if (!base64 || !target) return;
    const url = URL.createObjectURL(blobFromBase64(base64, attachment.mimeType));
    target.src = url;
    return () => URL.revokeObjectURL(url);
  }, [base64, attachment.mimeType]);

  return (
    <figure className="docs-preview" aria-label={t('docs.previewOf', { name: attachment.fileName })}>
      <figcaption>
        <span className="docs-preview-name">{attachment.fileName}</span>
        <button type="button" className="small" onClick={onClose}>
          {t('docs.closePreview')}
        </button>
      </figcaption>
      {bytes.isPending ? <p className="muted">{t('docs.loadingPreview')}</p> : null}
      {bytes.isError ? <FormError>{t('docs.previewError', { message: errorMessage(bytes.error, t) })}</FormError> : null}
      {attachment.mimeType === 'application/pdf' ? (
        <iframe ref={frameRef} title={attachment.fileName} hidden={!base64} />
      ) : (
        <img ref={imgRef} alt={attachment.fileName} hidden={!base64} />
      )}
    </figure>
  );
}

type AddBarProps = { field: Field; onField: (field: Field) => void; busy: boolean; gate: WriteGate; adding: string | null; onFiles: (files: File[]) => void };

/** What the next file is (prescription scan, ID card…) and the file picker. */
function AddBar({ field, onField, busy, gate, adding, onFiles }: AddBarProps) {
  const { t, i18n } = useTranslation();
  const fieldId = useId();
  return (
    <div className="docs-add">
      <div className="field">
        <label htmlFor={fieldId}>{t('docs.field')}</label>
        <select id={fieldId} value={field} onChange={(e) => onField(e.target.value as Field)}>
          {attachmentFields.map((f) => (
            <option key={f} value={f}>
              {t(`docs.fields.${f}`)}
            </option>
          ))}
        </select>
      </div>
      <label className={`file-button${busy ? ' busy' : ''}${gate.disabled ? ' disabled' : ''}`} title={gate.reason ?? undefined}>
        <input
          type="file"
          className="visually-hidden"
          accept={ACCEPT}
          multiple
          disabled={busy || gate.disabled}
          onChange={(e) => {
            const picked = [...(e.target.files ?? [])];
            // Picking the same file again must fire a change.
            e.target.value = '';
            onFiles(picked);
          }}
        />
        {t('docs.add')}
      </label>
      <WriteGateNote gate={gate} />
      <p className="docs-hint">{t('docs.hint', { max: maxText(i18n.language) })}</p>
      <span role="status" className="docs-status">
        {adding ? t('docs.adding', { name: adding }) : ''}
      </span>
    </div>
  );
}

/** Changing a document's type from its row, with what happened said once. */
function useRetype(customerId: string) {
  const { t } = useTranslation();
  const setType = useSetAttachmentType(customerId);
  const gate = useWriteGate('attachments.setType');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const change = async (file: Attachment, field: Field) => {
    setMessage(null);
    try {
      await setType.mutateAsync({ id: file.id, field });
      setMessage({ ok: true, text: t('docs.retype.saved', { name: file.fileName, type: t(`docs.fields.${field}`) }) });
    } catch (error) {
      setMessage({ ok: false, text: t('docs.retype.error', { name: file.fileName, message: errorMessage(error, t) }) });
    }
  };
  return { change, gate, busy: setType.isPending, message };
}
type Retype = ReturnType<typeof useRetype>;

type TableProps = {
  files: Attachment[];
  selectedId: string | null;
  removeGate: WriteGate;
  canRemove: boolean;
  retype: Retype;
  onSelect: (id: string) => void;
  onRemove: (file: Attachment) => void;
};

/** The customer's files: what each is, its name (opens the preview), size and when it was added. */
function DocumentsTable({ files, selectedId, removeGate, canRemove, retype, onSelect, onRemove }: TableProps) {
  const { t, i18n } = useTranslation();
  return (
    <table className="docs-table">
      <caption className="visually-hidden">{t('docs.title')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('docs.columns.field')}</th>
          <th scope="col">{t('docs.columns.name')}</th>
          <th scope="col" className="num">
            {t('docs.columns.size')}
          </th>
          <th scope="col">{t('docs.columns.added')}</th>
          {canRemove ? (
            <th scope="col">
              <span className="visually-hidden">{t('docs.columns.actions')}</span>
            </th>
          ) : null}
        </tr>
      </thead>
      <tbody>
        {files.map((f) => (
          <tr key={f.id} className={f.id === selectedId ? 'selected' : undefined} aria-current={f.id === selectedId ? 'true' : undefined}>
            <td>
              <select
                className="docs-type"
                aria-label={t('docs.retype.label', { name: f.fileName })}
                value={f.field}
                disabled={retype.busy || retype.gate.disabled}
                title={retype.gate.reason ?? undefined}
                onChange={(e) => void retype.change(f, e.target.value as Field)}
              >
                {attachmentFields.map((field) => (
                  <option key={field} value={field}>
                    {t(`docs.fields.${field}`)}
                  </option>
                ))}
              </select>
            </td>
            <td className="docs-name">
              <button type="button" className="link" onClick={() => onSelect(f.id)} title={t('docs.preview')}>
                {f.fileName}
              </button>
            </td>
            <td className="num">{formatBytes(f.size, i18n.language)}</td>
            <td>{formatMoment(f.createdAt, i18n.language)}</td>
            {canRemove ? (
              <td className="docs-actions">
                <button
                  type="button"
                  className="small danger-outline"
                  onClick={() => onRemove(f)}
                  disabled={removeGate.disabled}
                  title={removeGate.reason ?? undefined}
                  aria-label={t('docs.remove.label', { name: f.fileName })}
                >
                  {t('docs.remove.button')}
                </button>
              </td>
            ) : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The files refused in the last add, with why. */
function Problems({ problems }: { problems: string[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="form-error docs-errors" role="alert">
      {problems.length === 1 ? (
        <p>{problems[0]}</p>
      ) : (
        <ul>
          {problems.map((p, i) => (
            <li key={i}>{p}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
