import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelInput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { Role } from '../../../shared/staff/schema';
import i18next from 'i18next';
import { errorMessage, fieldErrorText } from '../api/errors';
import { useCreateStaff, useDisableStaff, useResetStaffPassword, useStaffList, useUpdateStaff } from './queries';
import { useSignedIn, type StaffMember } from '../auth/AuthProvider';
import { confirmProblem, displayNameProblem, passwordProblem, pinProblem, problems, usernameProblem, type Problems } from '../auth/validation';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Field, SelectBox } from '../components/Field';
import { FormDialog } from '../components/FormDialog';
import { formatMoment } from '../format';
import { useWriteGate, WriteGateNote } from '../licence/useWriteGate';

type Dialog = { kind: 'add' } | { kind: 'edit'; member: StaffMember } | { kind: 'password'; member: StaffMember } | { kind: 'disable'; member: StaffMember };

/** The owner's list of accounts: who may sign in, as what, with a PIN or not. */
export function StaffScreen() {
  const { t, i18n } = useTranslation();
  const { staff: me, refresh } = useSignedIn();
  const list = useStaffList();
  const createGate = useWriteGate('staff.create');
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const titleId = useId();
  const close = (message?: string) => {
    setDialog(null);
    setFlash(message ?? null);
  };

  return (
    <section className="admin-screen" aria-labelledby={titleId}>
      <div className="admin-head">
        <h1 id={titleId}>{t('staff.title')}</h1>
        <span className="spacer" />
        <span role="status" className="flash">
          {flash}
        </span>
        <WriteGateNote gate={createGate} />
        <button type="button" className="primary" onClick={() => setDialog({ kind: 'add' })} disabled={createGate.disabled} title={createGate.reason ?? undefined}>
          {t('staff.add')}
        </button>
      </div>
      <p className="muted admin-intro">{t('staff.intro')}</p>

      {list.isPending ? (
        <p className="screen-message" role="status">
          {t('staff.loading')}
        </p>
      ) : list.isError ? (
        <p className="screen-message" role="alert">
          {t('staff.loadError', { message: errorMessage(list.error, t) })}
        </p>
      ) : (
        <table className="admin-table" aria-labelledby={titleId}>
          <thead>
            <tr>
              <th scope="col">{t('staff.columns.name')}</th>
              <th scope="col">{t('staff.columns.username')}</th>
              <th scope="col">{t('staff.columns.role')}</th>
              <th scope="col">{t('staff.columns.pin')}</th>
              <th scope="col">{t('staff.columns.status')}</th>
              <th scope="col">{t('staff.columns.created')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('staff.columns.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((member) => (
              <tr key={member.id} className={member.disabled ? 'disabled' : undefined}>
                <th scope="row">
                  {member.displayName}
                  {member.id === me.id ? <span className="badge you">{t('staff.you')}</span> : null}
                </th>
                <td>{member.username}</td>
                <td>
                  <span className={`badge role-${member.role}`}>{t(`roles.${member.role}`)}</span>
                </td>
                <td>{member.hasPin ? t('staff.pinSet') : t('staff.pinNone')}</td>
                <td>
                  <span className={`badge${member.disabled ? ' off' : ' active'}`}>{member.disabled ? t('staff.disabled') : t('staff.active')}</span>
                </td>
                <td>{formatMoment(member.createdAt, i18n.language)}</td>
                <td className="row-actions">
                  {member.disabled ? null : <MemberActions member={member} isMe={member.id === me.id} onOpen={setDialog} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {dialog?.kind === 'add' ? <AddStaffDialog onDone={(m) => close(t('staff.added', { name: m.displayName }))} onCancel={() => close()} /> : null}
      {dialog?.kind === 'edit' ? (
        <EditStaffDialog
          member={dialog.member}
          onDone={(m) => {
            close(t('staff.saved', { name: m.displayName }));
            // The header shows the signed-in account: their own name or role may have changed.
            if (m.id === me.id) void refresh();
          }}
          onCancel={() => close()}
        />
      ) : null}
      {dialog?.kind === 'password' ? (
        <ResetPasswordDialog member={dialog.member} onDone={(m) => close(t('staff.passwordReset', { name: m.displayName }))} onCancel={() => close()} />
      ) : null}
      {dialog?.kind === 'disable' ? (
        <DisableDialog member={dialog.member} onDone={(m) => close(t('staff.disabledDone', { name: m.displayName }))} onCancel={() => close()} />
      ) : null}
    </section>
  );
}

/** A live account's actions: edit (a licensed write), reset the password, disable (not one's own). */
function MemberActions({ member, isMe, onOpen }: { member: StaffMember; isMe: boolean; onOpen: (dialog: Dialog) => void }) {
  const { t } = useTranslation();
  const updateGate = useWriteGate('staff.update');
  return (
    <>
      <button
        type="button"
        className="small"
        onClick={() => onOpen({ kind: 'edit', member })}
        aria-label={t('staff.editLabel', { name: member.displayName })}
        disabled={updateGate.disabled}
        title={updateGate.reason ?? undefined}
      >
        {t('staff.edit')}
      </button>
      <button type="button" className="small" onClick={() => onOpen({ kind: 'password', member })} aria-label={t('staff.resetPasswordLabel', { name: member.displayName })}>
        {t('staff.resetPassword')}
      </button>
      {isMe ? null : (
        <button type="button" className="small danger-outline" onClick={() => onOpen({ kind: 'disable', member })} aria-label={t('staff.disableLabel', { name: member.displayName })}>
          {t('staff.disable')}
        </button>
      )}
    </>
  );
}

/** The core's word on a refused change, in the staff's language where we know the case. */
function staffError(error: unknown, t: ReturnType<typeof useTranslation>['t'], member?: StaffMember): string {
  if (error instanceof AppError && error.code === 'auth.forbidden' && member?.role === 'owner') return t('staff.errors.lastOwner');
  return errorMessage(error, t);
}

function serverFieldErrors<K extends string>(error: unknown, fields: readonly K[]): Problems<K> {
  if (!(error instanceof AppError)) return {};
  const out: Problems<K> = {};
  for (const [path, messages] of Object.entries(error.fieldErrors ?? {})) {
    if ((fields as readonly string[]).includes(path) && messages[0]) out[path as K] = fieldErrorText(error, path, i18next.t) ?? messages[0];
  }
  return out;
}

const roleOptions = (t: ReturnType<typeof useTranslation>['t']) => [
  { value: 'staff', label: t('roles.staff') },
  { value: 'owner', label: t('roles.owner') },
];

const addFields = ['username', 'displayName', 'role', 'password', 'confirm', 'pin'] as const;
type AddField = (typeof addFields)[number];

function AddStaffDialog({ onDone, onCancel }: { onDone: (m: StaffMember) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const create = useCreateStaff();
  const [values, setValues] = useState<Record<AddField, string>>({ username: '', displayName: '', role: 'staff', password: '', confirm: '', pin: '' });
  const [errors, setErrors] = useState<Problems<AddField>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const set = (field: AddField) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [field]: e.target.value }));
    setErrors((errs) => ({ ...errs, [field]: undefined }));
  };

  const submit = async () => {
    setFormError(null);
    const found = problems<AddField>({
      username: usernameProblem(values.username, t),
      displayName: displayNameProblem(values.displayName, t),
      role: null,
      password: passwordProblem(values.password, t),
      confirm: confirmProblem(values.password, values.confirm, t),
      pin: pinProblem(values.pin, t),
    });
    setErrors(found);
    if (Object.keys(found).length > 0) return setFormError(t('form.fixErrors'));
    try {
      const input: ChannelInput<'staff.create'> = {
        username: values.username.trim(),
        displayName: values.displayName.trim(),
        password: values.password,
        role: values.role as Role,
        ...(values.pin ? { pin: values.pin } : {}),
      };
      onDone(await create.mutateAsync(input));
    } catch (error) {
      if (error instanceof AppError && error.code === 'staff.usernameTaken') {
        setErrors({ username: t('errors.staff.usernameTaken') });
        return setFormError(t('form.fixErrors'));
      }
      const placed = serverFieldErrors(error, addFields);
      setErrors(placed);
      setFormError(Object.keys(placed).length > 0 ? t('form.fixErrors') : errorMessage(error, t));
    }
  };

  return (
    <FormDialog
      title={t('staff.addTitle')}
      submitLabel={create.isPending ? t('staff.adding') : t('staff.addSubmit')}
      cancelLabel={t('common.cancel')}
      busy={create.isPending}
      error={formError}
      onSubmit={() => void submit()}
      onCancel={onCancel}
    >
      <Field label={t('account.username')} value={values.username} onChange={set('username')} error={errors.username} autoComplete="off" spellCheck={false} />
      <Field label={t('account.displayName')} value={values.displayName} onChange={set('displayName')} error={errors.displayName} autoComplete="off" />
      <SelectBox label={t('staff.role')} value={values.role} onChange={set('role')} options={roleOptions(t)} hint={t('staff.roleHint')} />
      <Field type="password" label={t('account.password')} value={values.password} onChange={set('password')} error={errors.password} autoComplete="new-password" hint={t('account.passwordHint')} />
      <Field type="password" label={t('account.confirmPassword')} value={values.confirm} onChange={set('confirm')} error={errors.confirm} autoComplete="new-password" />
      <Field
        type="password"
        inputMode="numeric"
        maxLength={8}
        label={t('account.pinOptional')}
        value={values.pin}
        onChange={set('pin')}
        error={errors.pin}
        autoComplete="off"
        hint={t('account.pinHint')}
      />
    </FormDialog>
  );
}

function EditStaffDialog({ member, onDone, onCancel }: { member: StaffMember; onDone: (m: StaffMember) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateStaff();
  const [displayName, setDisplayName] = useState(member.displayName);
  const [role, setRole] = useState<Role>(member.role);
  const [pin, setPin] = useState('');
  const [removePin, setRemovePin] = useState(false);
  const [errors, setErrors] = useState<Problems<'displayName' | 'pin'>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const submit = async () => {
    setFormError(null);
    const found = problems({ displayName: displayNameProblem(displayName, t), pin: removePin ? null : pinProblem(pin, t) });
    setErrors(found);
    if (Object.keys(found).length > 0) return setFormError(t('form.fixErrors'));
    // Only what changed is sent (a PIN left empty stays as it is).
    const input: ChannelInput<'staff.update'> = {
      id: member.id,
      ...(displayName.trim() !== member.displayName ? { displayName: displayName.trim() } : {}),
      ...(role !== member.role ? { role } : {}),
      ...(removePin ? { pin: null } : pin ? { pin } : {}),
    };
    if (Object.keys(input).length === 1) return onCancel();
    try {
      onDone(await update.mutateAsync(input));
    } catch (error) {
      const placed = serverFieldErrors(error, ['displayName', 'pin'] as const);
      setErrors(placed);
      setFormError(Object.keys(placed).length > 0 ? t('form.fixErrors') : staffError(error, t, member));
    }
  };

  return (
    <FormDialog
      title={t('staff.editTitle', { name: member.displayName })}
      description={t('staff.editBody', { username: member.username })}
      submitLabel={update.isPending ? t('staff.saving') : t('staff.save')}
      cancelLabel={t('common.cancel')}
      busy={update.isPending}
      error={formError}
      onSubmit={() => void submit()}
      onCancel={onCancel}
    >
      <Field label={t('account.displayName')} value={displayName} onChange={(e) => setDisplayName(e.target.value)} error={errors.displayName} autoComplete="off" />
      <SelectBox label={t('staff.role')} value={role} onChange={(e) => setRole(e.target.value as Role)} options={roleOptions(t)} />
      <Field
        type="password"
        inputMode="numeric"
        maxLength={8}
        label={member.hasPin ? t('staff.newPin') : t('account.pinOptional')}
        value={pin}
        disabled={removePin}
        onChange={(e) => {
          setPin(e.target.value);
          setErrors((errs) => ({ ...errs, pin: undefined }));
        }}
        error={errors.pin}
        autoComplete="off"
        hint={member.hasPin ? t('staff.newPinHint') : t('account.pinHint')}
      />
      {member.hasPin ? (
        <label className="check">
          <input type="checkbox" checked={removePin} onChange={(e) => setRemovePin(e.target.checked)} />
          {t('staff.removePin')}
        </label>
      ) : null}
    </FormDialog>
  );
}

function ResetPasswordDialog({ member, onDone, onCancel }: { member: StaffMember; onDone: (m: StaffMember) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const { staff: me } = useSignedIn();
  const reset = useResetStaffPassword();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Problems<'password' | 'confirm'>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const submit = async () => {
    setFormError(null);
    const found = problems({
      password: passwordProblem(password, t),
      confirm: confirmProblem(password, confirm, t),
    });
    setErrors(found);
    if (Object.keys(found).length > 0) return setFormError(t('form.fixErrors'));
    try {
      onDone(await reset.mutateAsync({ id: member.id, password }));
    } catch (error) {
      const placed = serverFieldErrors(error, ['password'] as const);
      setErrors(placed);
      setFormError(Object.keys(placed).length > 0 ? t('form.fixErrors') : staffError(error, t));
    }
  };

  return (
    <FormDialog
      title={t('staff.resetTitle', { name: member.displayName })}
      description={member.id === me.id ? t('staff.resetBodySelf') : t('staff.resetBody', { name: member.displayName })}
      submitLabel={reset.isPending ? t('staff.saving') : t('staff.resetSubmit')}
      cancelLabel={t('common.cancel')}
      busy={reset.isPending}
      error={formError}
      onSubmit={() => void submit()}
      onCancel={onCancel}
    >
      <Field
        type="password"
        label={t('staff.newPassword')}
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        error={errors.password}
        autoComplete="new-password"
        hint={t('account.passwordHint')}
      />
      <Field type="password" label={t('account.confirmPassword')} value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.confirm} autoComplete="new-password" />
    </FormDialog>
  );
}

function DisableDialog({ member, onDone, onCancel }: { member: StaffMember; onDone: (m: StaffMember) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const disable = useDisableStaff();
  const [error, setError] = useState<string | null>(null);
  return (
    <ConfirmDialog
      title={t('staff.disableTitle', { name: member.displayName })}
      body={t('staff.disableBody', { name: member.displayName })}
      confirmLabel={disable.isPending ? t('staff.disabling') : t('staff.disableConfirm')}
      cancelLabel={t('common.cancel')}
      danger
      busy={disable.isPending}
      error={error}
      onConfirm={() => {
        setError(null);
        disable.mutateAsync({ id: member.id }).then(onDone, (err: unknown) => setError(staffError(err, t, member)));
      }}
      onCancel={onCancel}
    />
  );
}
