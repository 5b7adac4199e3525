import type { z } from 'zod';
import { AppError } from '../../shared/errors';
import { formatLens, readLens, transpose } from '../../shared/prescriptions/rules';
import type { TransposeInput } from '../../shared/prescriptions/schema';

/** prescriptions.transpose: one lens into the other cylinder form, in canonical strings. */
export function transposeChannel(input: z.output<typeof TransposeInput>) {
  const { lens, errors } = readLens(input);
  if (!lens) {
    const [first] = Object.entries(errors);
    throw new AppError('validation', first ? `${first[0]}: ${first[1]}` : 'Invalid lens', Object.fromEntries(Object.entries(errors).map(([k, m]) => [k, [m]])));
  }
  return formatLens(transpose(lens));
}
