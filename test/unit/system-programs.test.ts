import { describe, expect, it } from 'vitest';
import { FALLBACK_WINDOWS_SYSTEM_DIR, MAC_IOREG, currentWindowsSystemDir, windowsProgram, windowsSystemDirOf } from '../../src/main/system-programs';

describe('the OS programs the app runs, by absolute path', () => {
  it('finds the Windows system directory where this process’s ntdll.dll was loaded from', () => {
    const modules = ['C:\\Program Files\\OptiCounter\\OptiCounter.exe', 'D:\\WINNT\\SYSTEM32\\ntdll.dll', 'D:\\WINNT\\System32\\KERNEL32.DLL'];
    expect(windowsSystemDirOf(modules)).toBe('D:\\WINNT\\SYSTEM32');
    // A 32-bit build on 64-bit Windows: its own system directory, whose reg.exe reads the 64-bit view with /reg:64.
    expect(windowsSystemDirOf(['C:\\Windows\\SysWOW64\\ntdll.dll'])).toBe('C:\\Windows\\SysWOW64');
  });

  it('falls back to C:\\Windows\\System32 — never to an environment variable — when the modules do not tell', () => {
    expect(FALLBACK_WINDOWS_SYSTEM_DIR).toBe('C:\\Windows\\System32');
    expect(windowsSystemDirOf(null)).toBe(FALLBACK_WINDOWS_SYSTEM_DIR);
    expect(windowsSystemDirOf([])).toBe(FALLBACK_WINDOWS_SYSTEM_DIR);
    expect(windowsSystemDirOf(['C:\\Users\\eve\\ntdll.dll.bak', 'ntdll.dll', '\\\\server\\share\\ntdll.dll'])).toBe(FALLBACK_WINDOWS_SYSTEM_DIR);
    // On this (non-Windows) machine the loaded modules hold no ntdll.dll.
    if (process.platform !== 'win32') expect(currentWindowsSystemDir()).toBe(FALLBACK_WINDOWS_SYSTEM_DIR);
  });

  it('names programs under the system directory, and ioreg by its absolute path', () => {
    expect(windowsProgram('WindowsPowerShell\\v1.0\\powershell.exe', 'C:\\Windows\\System32')).toBe('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
    expect(windowsProgram('reg.exe', 'D:\\WINNT\\System32\\')).toBe('D:\\WINNT\\System32\\reg.exe');
    expect(MAC_IOREG).toBe('/usr/sbin/ioreg');
  });
});
