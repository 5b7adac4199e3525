import { zodResolver } from '@hookform/resolvers/zod';
import { type FieldValues, type Resolver, get } from 'react-hook-form';
import type { z } from 'zod';
import { Message, messageFromIssue } from '../../../shared/messages';

/*
 * react-hook-form keeps one text per field error; a form in the staff's language needs the message
 * itself (code and parameters), translated when the field renders, so that switching the language
 * changes an error already shown. The message rides along as `said` on the field's error, from zod
 * here or from the core's fieldMessages (setError).
 */

/** What a field error may carry beside react-hook-form's own keys. */
export type SaidError = { said?: Message };

/** zodResolver, with each field's first issue also kept as a message (`said`). */
export function messageResolver<Schema extends z.ZodType<FieldValues, FieldValues>>(schema: Schema): Resolver<z.input<Schema>, unknown, z.output<Schema>> {
  const resolve = zodResolver(schema) as unknown as Resolver<z.input<Schema>, unknown, z.output<Schema>>;
  return async (values, context, options) => {
    const result = await resolve(values, context, options);
    if (Object.keys(result.errors).length === 0) return result;
    const parsed = await schema.safeParseAsync(values);
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      const error: unknown = get(result.errors, issue.path.map(String).join('.'));
      if (error && typeof error === 'object' && !('said' in error)) Object.assign(error, { said: messageFromIssue(issue) } satisfies SaidError);
    }
    return result;
  };
}

/** The message a field error carries, if it carries one. */
export function saidOf(error: unknown): Message | undefined {
  if (!error || typeof error !== 'object' || !('said' in error)) return undefined;
  const parsed = Message.safeParse(error.said);
  return parsed.success ? parsed.data : undefined;
}
