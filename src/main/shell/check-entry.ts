import { createRequire } from 'node:module';
import { CHECK_SCRIPT } from '../backup/check-script';

/*
 * The program of the desktop app's utility process for the start's integrity check
 * (shell/check-launcher.ts): the script Node's child process runs with `node -e`, run here, so the
 * two are one code (backup/check-script.ts). Built as its own entry beside index.js.
 */
new Function('require', CHECK_SCRIPT)(createRequire(import.meta.url));
