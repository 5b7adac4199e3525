import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { useSignedIn } from '../auth/AuthProvider';
import { intlLocale } from '../format';
import { useWriteGate, WriteGateNote } from '../licence/useWriteGate';
import { CustomerSyncFlag } from '../sync/SyncFlag';
import { OwnerActions } from './OwnerActions';
import { ArrivingBadge, GroupBadges } from './CloudBadges';

type Detail = ChannelOutput<'customers.get'>;

type Props = {
  detail: Detail | null;
  name: string;
  /** What the last action did ("Saved", "Exported …"). */
  status: string;
  /** The Details form the Save button submits. */
  formId: string;
  showSave: boolean;
  saving: boolean;
  exporting: boolean;
  onExport: () => void;
  onBack: () => void;
  onDeleted: () => void;
  onOpenSync?: (() => void) | undefined;
};

/** Back, the customer's name and dates, the owner's actions and Save. */
export function CustomerToolbar({ detail, name, status, formId, showSave, saving, exporting, onExport, onBack, onDeleted, onOpenSync }: Props) {
  const { t, i18n } = useTranslation();
  const { isOwner } = useSignedIn();
  const gate = useWriteGate(detail ? 'customers.update' : 'customers.create');
  const when = (iso: string) => {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(intlLocale(i18n.language), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  };
  return (
    <div className="form-toolbar">
      <button type="button" onClick={onBack} title="Esc">
        <span className="back-arrow">←</span> {t('form.back')}
      </button>
      <h1 className="form-title">{name}</h1>
      {detail?.detailsArriving ? <ArrivingBadge /> : null}
      {detail ? <GroupBadges groups={detail.groups} /> : null}
      {detail && onOpenSync ? <CustomerSyncFlag customerId={detail.id} onOpen={onOpenSync} /> : null}
      {detail ? (
        <span className="form-meta">
          {t('form.createdAt', { date: when(detail.createdAt) })}, {t('form.updatedAt', { date: when(detail.seenAt) })}
        </span>
      ) : null}
      <span className="spacer" />
      <span role="status" className="flash">
        {status}
      </span>
      {detail && isOwner ? <OwnerActions detail={detail} name={name} exporting={exporting} onExport={onExport} onDeleted={onDeleted} /> : null}
      {showSave ? <WriteGateNote gate={gate} /> : null}
      {showSave ? (
        <button type="submit" form={formId} className="primary" disabled={saving || gate.disabled} title={gate.reason ?? 'Ctrl+S'}>
          {saving ? t('form.saving') : detail ? t('form.save') : t('form.create')}
        </button>
      ) : null}
    </div>
  );
}
