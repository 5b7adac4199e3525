import { QueryClient } from '@tanstack/react-query';
import { AppError } from '../../../shared/errors';

/** The one cache of channel answers; each domain's queries.ts keeps its keys and hooks. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx answer will not change by asking again; a dropped connection might.
        retry: (count, error) => !(error instanceof AppError && error.status < 500) && count < 1,
        refetchOnWindowFocus: false,
      },
    },
  });
}
