import { useTranslation } from 'react-i18next';
import { type Channel, needsLicence } from '../../../shared/contract';
import type { LicenceStatus } from '../../../shared/licence/schema';
import { useLicenceStatus } from './queries';

export type WriteGate = { disabled: boolean; reason: string | null };

/**
 * Whether a call would be refused for want of a licence, read from the channel's contract entry
 * (`kind: 'write'`) and the licence status: pure. Unknown status (still loading) lets it through:
 * the core decides anyway.
 */
export function isWriteBlocked(channel: Channel, status: Pick<LicenceStatus, 'canWrite'> | undefined): boolean {
  return needsLicence(channel) && status !== undefined && !status.canWrite;
}

/**
 * For a button or form that calls `channel`: disabled, with the reason, while the install is
 * read-only, so staff do not fill a form to learn on submit that it is refused.
 */
export function useWriteGate(...channels: Channel[]): WriteGate {
  const { t } = useTranslation();
  const { data } = useLicenceStatus();
  const disabled = channels.some((c) => isWriteBlocked(c, data));
  return { disabled, reason: disabled ? t('licence.gate.reason') : null };
}

/** The reason a write is turned off, in a short line beside the disabled button. */
export function WriteGateNote({ gate }: { gate: WriteGate }) {
  if (!gate.reason) return null;
  return (
    <span className="write-gate-note" role="note">
      {gate.reason}
    </span>
  );
}
