/** Saves a Blob fetched with the staff token (a segment's CSV) as a file, through a short-lived object URL. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; give slow browsers a moment before letting it go.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** `人群-复诊提醒-2026-03-05.csv`: the segment's name (no characters file systems refuse) and the day. */
export function csvFilename(name: string, at: Date = new Date()): string {
  const safe = name.replace(/[\\/:*?"<>|\s]+/g, '_').replace(/^_+|_+$/g, '') || 'segment';
  return `人群-${safe}-${at.toISOString().slice(0, 10)}.csv`;
}
