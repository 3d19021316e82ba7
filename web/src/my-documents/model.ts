/**
 * What the document list and its parts share: a held document, its download and share links, an access
 * log entry, and how sizes, QR codes and share links are written. Apart from the components so each
 * imports only these.
 */

import { config } from '../config.js';
import { formatNumber, getLang, type Lang } from '../i18n.js';
import { sharePageUrl } from '../pages/Shared.js';

export type ResultStatus = 'valid' | 'revoked' | 'replaced';

export interface MyDocument {
  documentId: string;
  kind?: 'scan' | 'result';
  documentType: string;
  fileName: string;
  contentType: string;
  size: number;
  dossierCode: string;
  uploadedAt: string;
  issuedAt?: string;
  issuer?: string;
  issuerName?: string;
  status?: ResultStatus;
  verifyUrl?: string;
}

export interface DocumentDownload {
  fileName: string;
  size: number;
  url: string;
  expiresAt: string;
  verification?: { status: ResultStatus; url: string; qrCodeSvg: string };
}

/** Who read: an agency's system or officer, the desk that filed, another representative, support, operators, a share. */
export type AccessVia =
  | 'agency_system'
  | 'agency_officer'
  | 'desk_officer'
  | 'representative'
  | 'support_agent'
  | 'operator'
  | 'share';

/** What was read: the dossier, its identifiers in full, a file, its result, its fee's receipt, a shared document. */
export type AccessWhat = 'dossier' | 'sealed_fields' | 'attachment' | 'result' | 'receipt' | 'document';

export interface AccessEntry {
  at: string;
  via: AccessVia;
  what?: AccessWhat;
  /** A pseudonym of the reader, the same for every read by the same person. */
  reader?: string;
  reason?: string;
  agencyId?: string;
  agencyName?: string;
  dossierCode?: string;
  documentType?: string;
  documentId?: string;
}

/** A share lasts one, three or seven days (the API allows 1–168 hours). */
export const SHARE_DAYS = [1, 3, 7] as const;
export const ACCESS_PAGE = 10;

/** A file's size: bytes below 1 kB (a 134-byte file is not "1 kB"), then kB and MB. */
export function fileSize(bytes: number, lang: Lang = getLang()): string {
  if (bytes < 1024) return `${formatNumber(bytes, lang)} ${lang === 'vi' || bytes === 1 ? 'byte' : 'bytes'}`;
  if (bytes < 1024 * 1024) return `${formatNumber(Math.round(bytes / 1024), lang)} kB`;
  return `${formatNumber(Math.round((bytes / 1024 / 1024) * 10) / 10, lang)} MB`;
}

/** The QR code as an image: the SVG never enters the page's DOM, so nothing in it can run or style the page. */
export const qrImage = (svg: string) => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;

/**
 * The link to hand out: the portal's page for it (the token in the fragment), else the API's address as
 * given (absolute, or a path on the API).
 */
export const shareLink = (url: string) =>
  sharePageUrl(url) ?? new URL(url, config().apiUrl || location.origin).href;
