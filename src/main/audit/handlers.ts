import type { AuditChainReport } from '../../shared/audit/schema';
import { signedInOf } from '../dispatch';
import type { GroupChannels, HandlersOf } from '../handlers';
import { authorizeAuditList } from './access';
import type { AuditLog } from './log';

export function auditHandlers(audit: AuditLog, chain: Promise<AuditChainReport>): HandlersOf<GroupChannels<'audit'>> {
  return {
    // The rule and the query read the same parsed filter (audit/access.ts).
    'audit.list': (input, ctx) => audit.list(authorizeAuditList(signedInOf(ctx).staff.role, input)),
    'audit.chain': () => chain,
  };
}
