import { useTranslation } from 'react-i18next';
import type { RxProblem } from '../../../shared/prescriptions/schema';
import { useMessageText } from '../i18n/messages';
import { pathLabel } from './draft';

/**
 * The warning on a saved version that contradicts itself (an earlier build let it through): the
 * cells in question named in the staff's language, and why in the core's words. It sits wherever the
 * version is shown or printed, so nobody orders lenses from it unaware.
 */
export function RxProblems({ problems, className }: { problems: RxProblem[]; className?: string }) {
  const { t } = useTranslation();
  const say = useMessageText();
  if (problems.length === 0) return null;
  const fields = problems.map((p) => pathLabel(p.field, t)).join(', ');
  return (
    <div className={`rx-problems${className ? ` ${className}` : ''}`} role="alert" data-testid="rx-problems">
      <p className="rx-problems-title">
        <span className="warning-mark" aria-hidden="true">
          ⚠
        </span>
        {t('rx.problems.title', { fields })}
      </p>
      <ul>
        {problems.map((p) => (
          <li key={p.field}>{t('rx.problems.item', { field: pathLabel(p.field, t), message: say(p) })}</li>
        ))}
      </ul>
    </div>
  );
}
