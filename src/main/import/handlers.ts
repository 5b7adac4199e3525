import type { GroupChannels, HandlersOf } from '../handlers';
import type { ImportService } from './service';

export function importHandlers(imports: ImportService): HandlersOf<GroupChannels<'import'>> {
  return {
    'import.preview': (input) => imports.preview(input),
    'import.run': (input, ctx) => imports.run(input, ctx.actor),
    'import.undo': ({ batchId }, ctx) => imports.undo(batchId, ctx.actor),
    'import.cancel': async ({ runId }) => imports.cancel(runId),
    'import.progress': async ({ runId }) => imports.progress(runId),
    'import.batches': () => imports.batches(),
  };
}
