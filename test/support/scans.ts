/** Scans as storage holds them in unit tests: size, declared type and the first bytes the portal reads. */

/** The opening bytes of real files of each type a scan may be. */
export const SCAN_HEADS: Record<string, Buffer> = {
  'application/pdf': Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1'),
  'image/png': Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'),
  'image/jpeg': Buffer.from('ffd8ffe000104a46494600010100', 'hex'),
};

/** Pages a browser would run, the kind a scan must never be. */
export const HTML_PAGE = Buffer.from('<!doctype html><html><script>fetch("/v1/me")</script></html>');
export const SVG_IMAGE = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
);

/** A stored object of `size` bytes declared as `contentType`, whose content really is that type unless `head` says otherwise. */
export const storedScan = (size: number, contentType = 'application/pdf', head?: Buffer) => ({
  size,
  contentType,
  head: head ?? SCAN_HEADS[contentType] ?? Buffer.alloc(0),
});
