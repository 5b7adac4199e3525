/*
 * Arabic-Indic (٠١٢…٩) and Persian (۰۱۲…۹) digits as the ASCII digits the readers expect: an Arabic
 * keyboard types them, and a value typed so is the same value. The Arabic decimal separator (٫) is a
 * point. One UTF-16 unit each way, so positions in the text stay positions in what was typed.
 */
export function westernDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06F0-\u06F9\u066B]/g, (c) => {
    const code = c.charCodeAt(0);
    if (code === 0x066b) return '.';
    return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
  });
}
