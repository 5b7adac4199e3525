/*
 * The searches of the HTTP figure, sent from a process of their own as the page sends them (its own
 * small heap, one kept-alive connection): measured in the bench's own process, the client's pauses
 * (undici's fetch; a heap grown by seeding 100,000 customers) were counted as the transport's.
 * argv: url, host token, session token, count, warm-up count; stdin: the [kind, search] pairs.
 * Prints each counted search's [kind, ms] as JSON.
 */
import { Agent, request } from 'node:http';
import { text } from 'node:stream/consumers';
import { SESSION_HEADER } from '../../src/shared/contract';

const [url, token, session, count, warmUp] = process.argv.slice(2) as [string, string, string, string, string];
const queries = JSON.parse(await text(process.stdin)) as [string, string][];
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
const target = new URL('/api/customers.list', url);

function search(search: string): Promise<void> {
  // As the search screen asks (renderer customers/queries.ts): a page of 50, best matches first.
  const body = JSON.stringify({ search, page: 1, limit: 50, sortBy: 'relevance' });
  return new Promise((resolve, reject) => {
    const req = request(target, { method: 'POST', agent, headers: { authorization: `Bearer ${token}`, [SESSION_HEADER]: session } }, (res) => {
      void text(res).then((answer) => {
        if (!(JSON.parse(answer) as { ok: boolean }).ok) reject(new Error(answer));
        else resolve();
      }, reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const out: [string, number][] = [];
const total = Number(warmUp) + Number(count);
for (let i = 0; i < total; i++) {
  const [kind, typed] = queries[i % queries.length] as [string, string];
  const t = performance.now();
  await search(typed);
  if (i >= Number(warmUp)) out.push([kind, performance.now() - t]);
}
agent.destroy();
process.stdout.write(JSON.stringify(out));
