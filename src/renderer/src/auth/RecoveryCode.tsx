import { useId, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { useCall } from '../api/context';
import { recoveryFileText } from './recoveryFile';


function download(name: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

type Props = {
  code: string;
  username: string;
  /** The heading level of the card: h1 on the screens before sign-in, h2 inside Settings. */
  heading: 'h1' | 'h2';
  title: string;
  doneLabel: string;
  onDone: () => void;
};

/**
 * A recovery code, shown this once (the core keeps only its hash): what it is for, Print and Save as
 * file, and a tick that it was kept before going on, since there is no second look.
 */
export function RecoveryCodeCard({ code, username, heading: Heading, title, doneLabel, onDone }: Props) {
  const { t } = useTranslation();
  const call = useCall();
  const [kept, setKept] = useState(false);
  const titleId = useId();
  const lines = { title: t('recovery.file.title'), account: t('recovery.file.account', { username }), explain: t('recovery.explain') };

  const print = async () => {
    const out = await call('app.printToPdf', {}).catch(() => ({ handled: false }));
    if (!out.handled) window.print();
  };

  return (
    <section className="recovery-card" aria-labelledby={titleId}>
      <Heading id={titleId}>{title}</Heading>
      <p>{t('recovery.explain')}</p>
      <p className="recovery-code" dir="ltr">
        {code}
      </p>
      <p className="muted">{t('recovery.shown.once')}</p>
      <div className="recovery-actions">
        <button type="button" onClick={() => void print()}>
          {t('recovery.shown.print')}
        </button>
        <button type="button" onClick={() => download('opticounter-recovery-code.txt', recoveryFileText(code, lines))}>
          {t('recovery.shown.save')}
        </button>
      </div>
      <label className="recovery-kept">
        <input type="checkbox" checked={kept} onChange={(e) => setKept(e.target.checked)} />
        {t('recovery.shown.kept')}
      </label>
      <button type="button" className="primary" disabled={!kept} onClick={onDone}>
        {doneLabel}
      </button>
      {createPortal(
        <article className="print-card recovery-print">
          <p className="print-store">{lines.title}</p>
          <p>{lines.account}</p>
          <p className="recovery-code" dir="ltr">
            {code}
          </p>
          <p>{lines.explain}</p>
        </article>,
        document.body,
      )}
    </section>
  );
}
