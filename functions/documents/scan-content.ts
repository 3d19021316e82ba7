/**
 * What a scan really is, read from its first bytes. A browser posts the file straight to storage with
 * the type the citizen's page declared, so the declaration proves nothing: an HTML page or an SVG
 * image with script could be declared a PDF and later be opened by an official. Recognition is
 * file-type's (signatures maintained for hundreds of formats); only the scan types are ever accepted.
 */
import { scanMimeType } from '../../schemas/upload.js';

/** How many leading bytes are read to recognise a file (file-type's recommended sample). */
export const SNIFF_BYTES = 4100;

const SCAN_TYPES: ReadonlySet<string> = new Set(scanMimeType.options);

/**
 * Whether a file starting with `head` is what it was declared as. Types a browser could run (HTML,
 * SVG, XML) are never scan types, and content file-type cannot name is refused, not assumed.
 */
export async function contentIsDeclaredType(declared: string, head: Uint8Array): Promise<boolean> {
  if (!SCAN_TYPES.has(declared)) return false;
  // The sniffer loads with the first upload checked, not with every function that can check one.
  const { fileTypeFromBuffer } = await import('file-type');
  const found = await fileTypeFromBuffer(head);
  return found?.mime === declared;
}
