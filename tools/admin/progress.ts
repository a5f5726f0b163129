/**
 * A one-line progress report on a terminal (rewritten in place), and nothing when the output
 * is piped or in CI: logs stay clean.
 */
export function progressLine(stream: NodeJS.WriteStream = process.stderr) {
  const live = stream.isTTY === true;
  return {
    update(text: string) {
      if (live) stream.write(`\r\x1b[2K${text}`);
    },
    done(text?: string) {
      if (live) stream.write('\r\x1b[2K');
      if (text) stream.write(`${text}\n`);
    },
  };
}

export function etaOf(remaining: number, perSecond: number): string {
  if (perSecond <= 0 || !Number.isFinite(remaining / perSecond)) return '?';
  const seconds = Math.round(remaining / perSecond);
  return seconds < 60
    ? `${seconds}s`
    : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}
