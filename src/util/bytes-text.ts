/**
 * A size for people, in binary units (KiB, MiB, GiB: powers of 1024), the units file sizes and memory are measured in;
 * every size endorm prints goes through here, so that one command never prints GB beside GiB.
 */
export function bytesText(bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(2)} GiB`;
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(2)} MiB`;
  if (bytes >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}
