import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { ChannelInput } from '../../../shared/contract';
import { useAppEvents, useCall } from '../api/context';
import { customerKeys } from '../customers/queries';

export const importKeys = {
  all: ['import'] as const,
  batches: () => [...importKeys.all, 'batches'] as const,
  progress: (runId: string) => [...importKeys.all, 'progress', runId] as const,
};

/** Polled as well as refreshed on main's 'import.progress' events, in case one is missed. */
const PROGRESS_POLL_MS = 400;

/** The file read with a mapping (none: the saved or guessed one): columns, first rows, problems, duplicates. */
export function useImportPreview() {
  const call = useCall();
  return useMutation({ mutationFn: (input: ChannelInput<'import.preview'>) => call('import.preview', input) });
}

/** Runs the import; answers once it is over (done or cancelled). The customers' lists then change. */
export function useImportRun() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'import.run'>) => call('import.run', input),
    onSettled: () => Promise.all([qc.invalidateQueries({ queryKey: importKeys.batches() }), qc.invalidateQueries({ queryKey: customerKeys.all })]),
  });
}

export function useImportCancel() {
  const call = useCall();
  return useMutation({ mutationFn: (runId: string) => call('import.cancel', { runId }) });
}

export function useImportUndo() {
  const call = useCall();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (batchId: string) => call('import.undo', { batchId }),
    onSuccess: () => Promise.all([qc.invalidateQueries({ queryKey: importKeys.batches() }), qc.invalidateQueries({ queryKey: customerKeys.all })]),
  });
}

export function useImportBatches() {
  const call = useCall();
  return useQuery({ queryKey: importKeys.batches(), queryFn: () => call('import.batches', {}) });
}

/** A running import's progress, while `runId` is set. */
export function useImportProgress(runId: string | null) {
  const call = useCall();
  const qc = useQueryClient();
  const subscribe = useAppEvents();
  useEffect(() => {
    if (!subscribe || !runId) return;
    return subscribe((event) => {
      if (event.type === 'import.progress') void qc.invalidateQueries({ queryKey: importKeys.progress(runId) });
    });
  }, [subscribe, qc, runId]);
  return useQuery({
    queryKey: importKeys.progress(runId ?? ''),
    queryFn: () => call('import.progress', { runId: runId ?? '' }),
    enabled: runId !== null,
    // Asked before the run has started: not found yet, asked again at the next tick.
    retry: false,
    refetchInterval: PROGRESS_POLL_MS,
    placeholderData: keepPreviousData,
  });
}
