import { existsSync, readFileSync } from 'node:fs';

/** The last `lines` lines of a log, for error messages that show what went wrong. */
export function tailOf(text: string, lines: number): string {
  const all = text.replace(/\n+$/, '').split('\n');
  return all.slice(Math.max(0, all.length - lines)).join('\n');
}

export function tailFile(path: string, lines = 30): string {
  if (!existsSync(path)) return '(no log written)';
  return tailOf(readFileSync(path, 'utf8'), lines);
}
