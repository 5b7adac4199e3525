/**
 * The renderer's Content-Security-Policy: only the app's own scripts, styles and connections; no
 * plugins, no framing, no form posts. index.html carries the same policy as a meta tag; the Electron
 * shell and the browser host also send it as a header.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  // PDF previews of a customer's documents are shown from blob: URLs made in the page.
  'frame-src blob:',
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
