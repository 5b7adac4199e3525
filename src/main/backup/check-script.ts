/**
 * The start's integrity check as a program of its own (backup/check-process.ts starts it). A string,
 * so that Node runs it with `node -e` and the desktop app's utility process (shell/check-entry.ts)
 * runs the very same code: the app is bundled, so there is no file of it to point either at. Its
 * one argument is the job as JSON: the database file, where better-sqlite3 is, and its native
 * binding when it is Electron's. It answers the two pragmas' rows (or the error that stopped them,
 * or that SQLite could not be loaded at all) once, then waits for its parent to end it (or to go:
 * Node's channel then closes, and so does it).
 */
export const CHECK_SCRIPT = `
const job = JSON.parse(process.argv[process.argv.length - 1]);
const send = process.parentPort ? (m) => process.parentPort.postMessage(m) : (m) => process.send(m);
const describe = (err) => (err && err.code ? err.code + ': ' + err.message : String((err && err.message) || err));
const binding = job.nativeBinding ? { nativeBinding: job.nativeBinding } : {};
let Database;
let db;
let answer;
try {
  // better-sqlite3 loads its native binding in its constructor: an empty database in memory tries it.
  Database = require(job.module);
  new Database(':memory:', binding).close();
} catch (err) {
  Database = undefined;
  // Not the store's fault (a packaging slip, a binding for another ABI): the app checks it itself.
  answer = { unavailable: describe(err) };
}
if (Database) {
  try {
    db = new Database(job.file, { readonly: true, fileMustExist: true, ...binding });
    answer = { checks: db.pragma('quick_check'), orphans: db.pragma('foreign_key_check') };
  } catch (err) {
    answer = { error: describe(err) };
  } finally {
    if (db) db.close();
  }
}
send(answer);
// It waits to be ended once it has answered: an exit of its own could reach the parent before the answer.
(process.parentPort || process).on('message', () => undefined);
`;
