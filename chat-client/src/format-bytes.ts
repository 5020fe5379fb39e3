/** One decimal, none when it is .0. */
const oneDecimal = (value: number) => value.toFixed(1).replace(/\.0$/, '');

/** "512 B", "2.5 KB" (a decimal below 10 KB), "586 KB", "1.4 MB", "10 MB": a file's size or a size limit. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 10 * 1024) return `${oneDecimal(bytes / 1024)} KB`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${oneDecimal(bytes / (1024 * 1024))} MB`;
}
