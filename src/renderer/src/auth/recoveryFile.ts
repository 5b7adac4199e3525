/** The file the owner keeps: what the code is for, whose it is, and the code (Windows line ends, for Notepad). */
export function recoveryFileText(code: string, lines: { title: string; account: string; explain: string }): string {
  return [lines.title, '', lines.account, '', code, '', lines.explain, ''].join('\r\n');
}
