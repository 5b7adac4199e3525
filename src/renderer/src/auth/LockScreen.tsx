import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelOutput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { useCall } from '../api/context';
import { errorMessage, retryAfterSeconds } from '../api/errors';
import { Field } from '../components/Field';
import { ModalDialog } from '../components/ModalDialog';
import { lastFocusInMain } from '../components/focusReturn';
import { useSignedIn } from './AuthProvider';
import { useCountdown } from './useCountdown';
import { FormError } from '../components/FormError';

type Tile = ChannelOutput<'auth.lockTiles'>[number];

/** The colleagues who may take over (everyone with a PIN but the signed-in person). */
function useColleagueTiles(selfId: string): Tile[] {
  const call = useCall();
  const [tiles, setTiles] = useState<Tile[]>([]);
  useEffect(() => {
    let live = true;
    call('auth.lockTiles', {}).then(
      (all) => live && setTiles(all.filter((tile) => tile.id !== selfId)),
      () => undefined, // no tiles: the person's own PIN and signing out still work
    );
    return () => {
      live = false;
    };
  }, [call, selfId]);
  return tiles;
}

function ColleagueTiles({ tiles, onPick }: { tiles: Tile[]; onPick: (tile: Tile) => void }) {
  const { t } = useTranslation();
  const labelId = useId();
  if (tiles.length === 0) return null;
  return (
    <div className="lock-tiles" role="group" aria-labelledby={labelId}>
      <p id={labelId} className="lock-tiles-title">
        {t('lockTiles.label')}
      </p>
      <ul>
        {tiles.map((tile) => (
          <li key={tile.id}>
            <button type="button" className="lock-tile" onClick={() => onPick(tile)}>
              {tile.displayName}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The locked screen: a modal over the counter screens, whose backdrop hides them (customers'
 * prescriptions are medical data) while they stay mounted, so a half-typed form is still there after
 * the PIN. Esc does not close it; only the PIN, signing out, or a colleague's PIN (their tile) does.
 * Unlocking gives the focus back to the field the person was in.
 */
export function LockScreen() {
  const { t } = useTranslation();
  const call = useCall();
  const { staff, unlocked, signOut, guarded, signedIn } = useSignedIn();
  const pinRef = useRef<HTMLInputElement>(null);
  const titleId = useId();
  const whoId = useId();
  const [pin, setPin] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const tiles = useColleagueTiles(staff.id);
  // A colleague's tile picked: their PIN takes over; null: the signed-in person's own PIN.
  const [other, setOther] = useState<Tile | null>(null);
  const wait = useCountdown();

  const pick = (tile: Tile | null) => {
    const go = () => {
      setOther(tile);
      setPin('');
      setError(null);
      // The PIN field of the new choice is rendered next: focus it then.
      setTimeout(() => pinRef.current?.focus(), 0);
    };
    // A colleague taking over ends this session: unsaved changes are asked about first, as at
    // sign-out, before any PIN is typed (a wrong PIN then changes nothing).
    if (tile) guarded(go);
    else go();
  };

  const failed = (err: unknown) => {
    setBusy(false);
    setPin('');
    if (err instanceof AppError && err.code === 'auth.rateLimited') wait.start(retryAfterSeconds(err));
    else if (err instanceof AppError && err.code === 'auth.invalidCredentials') setError(t('lock.wrongPin'));
    else if (err instanceof AppError && err.code === 'auth.noPin') setError(t('lock.noPin'));
    else setError(t('lock.error', { message: errorMessage(err, t) }));
    pinRef.current?.focus();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || wait.left > 0) return;
    if (!pin) {
      setError(t('lock.pinRequired'));
      pinRef.current?.focus();
      return;
    }
    setError(null);
    setBusy(true);
    try {
      // A colleague takes over (the previous session ends), or the same person unlocks.
      if (other) await call('auth.switchUser', { staffId: other.id, pin }).then(() => signedIn());
      else unlocked(await call('auth.unlock', { pin }));
    } catch (err) {
      failed(err);
    }
  };

  const shownError = wait.left > 0 ? t('lock.rateLimited', { count: wait.left }) : error;
  const canUsePin = other !== null || staff.hasPin;

  return (
    <ModalDialog className="dialog lock-dialog" focusFirst={() => pinRef.current?.focus()} labelledBy={titleId} describedBy={whoId} returnFocus={lastFocusInMain}>
      <form noValidate onSubmit={(e) => void submit(e)}>
        <svg className="lock-icon" viewBox="0 0 24 24" width="36" height="36" aria-hidden="true">
          <rect x="4.5" y="10.5" width="15" height="10" rx="2" fill="currentColor" />
          <path d="M8 10.5V7.5a4 4 0 0 1 8 0v3" fill="none" stroke="currentColor" strokeWidth="2" />
        </svg>
        <h2 id={titleId}>{t('lock.title')}</h2>
        <p id={whoId} className="lock-who">
          {other ? t('lockTiles.switchTo', { name: other.displayName }) : t('lock.signedInAs', { name: staff.displayName, username: staff.username })}
        </p>
        <FormError>{shownError}</FormError>
        {canUsePin ? (
          <>
            <Field
              key={other?.id ?? 'self'}
              ref={pinRef}
              className="lock-pin"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              maxLength={8}
              label={other ? t('lockTiles.pinOf', { name: other.displayName }) : t('lock.pin')}
              value={pin}
              onChange={(e) => {
                setPin(e.target.value.replace(/\D/g, ''));
                setError(null);
              }}
            />
            <button type="submit" className="primary lock-unlock" disabled={busy || wait.left > 0}>
              {other ? (busy ? t('lockTiles.switching') : t('lockTiles.switch', { name: other.displayName })) : busy ? t('lock.unlocking') : t('lock.unlock')}
            </button>
          </>
        ) : (
          <p className="muted">{t('lock.noPin')}</p>
        )}
        {other ? (
          <p className="lock-other">
            <button type="button" className="link" onClick={() => pick(null)}>
              {t('lockTiles.back', { name: staff.displayName })}
            </button>
          </p>
        ) : (
          <ColleagueTiles tiles={tiles} onPick={pick} />
        )}
        <p className="lock-other">
          <button type="button" className="link" onClick={() => guarded(() => void signOut())}>
            {t('lock.signOut')}
          </button>
        </p>
      </form>
    </ModalDialog>
  );
}
