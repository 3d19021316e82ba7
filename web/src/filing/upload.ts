/**
 * A scan to storage the way the portal takes it: checked here first against the procedure's own limits
 * (type and size, so a wrong file fails before a byte is sent), then POST /v1/uploads for a presigned
 * form, then the form POST straight to storage with XMLHttpRequest, whose upload events give progress.
 */
import { request } from '../api.js';

export interface DocumentRule {
  type: string;
  name: string;
  nameEn?: string | null;
  required: boolean;
  maxBytes: number;
  mimeTypes: string[];
}

export type UploadProblem = 'type' | 'size' | 'empty';

/** Why this file cannot be sent for this document, or undefined when it can. */
export function checkScan(
  file: { type: string; size: number },
  rule: DocumentRule,
): UploadProblem | undefined {
  if (file.size === 0) return 'empty';
  if (!rule.mimeTypes.includes(file.type)) return 'type';
  if (file.size > rule.maxBytes) return 'size';
  return undefined;
}

export class StorageError extends Error {}

/** Sends one file; `onProgress` gets 0..1. Answers the upload id to attach. */
export async function uploadScan(file: File, onProgress: (fraction: number) => void): Promise<string> {
  const created = await request<{ uploadId: string; url: string; fields: Record<string, string> }>(
    '/v1/uploads',
    {
      method: 'POST',
      auth: true,
      body: { fileName: file.name.slice(-200) || 'scan', contentType: file.type, size: file.size },
    },
  );
  const form = new FormData();
  for (const [k, v] of Object.entries(created.fields)) form.append(k, v);
  // Storage reads the fields before the file: the file goes last.
  form.append('file', file, file.name);
  await new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', created.url);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new StorageError(String(xhr.status)));
    xhr.onerror = () => reject(new StorageError('network'));
    xhr.send(form);
  });
  onProgress(1);
  return created.uploadId;
}
