import type { InputHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../components/Field';
import { confirmProblemSoFar } from './validation';

/**
 * The new password typed again. Leaving it says a mismatch at once, whatever the password's length
 * (typing says it as soon as the two differ: the form's own change handler).
 */
export function ConfirmPasswordField({
  password,
  value,
  onChange,
  error,
  onProblem,
}: {
  password: string;
  value: string;
  onChange: InputHTMLAttributes<HTMLInputElement>['onChange'];
  error: string | undefined;
  onProblem: (problem: string | undefined) => void;
}) {
  const { t } = useTranslation();
  return (
    <Field
      name="confirm"
      type="password"
      label={t('account.confirmPassword')}
      value={value}
      onChange={onChange}
      onBlur={() => {
        if (value) onProblem(confirmProblemSoFar(password, value, true, t) ?? undefined);
      }}
      error={error}
      autoComplete="new-password"
    />
  );
}
