/**
 * Up to a few supporting scans, one upload box each and a button for one more: the evidence a petition
 * or a support question carries. The page keeps the slots (useScanSlots) and sends their upload ids.
 */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { DocumentRule } from '../filing/upload.js';
import { ScanUpload, type UploadedScan } from './ScanUpload.js';

export interface ScanSlot {
  key: number;
  scan?: UploadedScan;
}

export function useScanSlots() {
  const [slots, setSlots] = useState<ScanSlot[]>([{ key: 0 }]);
  /** The uploads to send, in the order the citizen added them. */
  const attachments = () => slots.filter((s) => s.scan).map((s) => ({ uploadId: s.scan!.uploadId }));
  return { slots, setSlots, attachments };
}

export function ScanList({
  slots,
  setSlots,
  idPrefix,
  legend,
  fileLabel,
  addLabel,
  rule,
  max,
  children,
}: ReturnType<typeof useScanSlots> & {
  /** Each box is `<idPrefix>-<n>`; the first one is where an error about the list points. */
  idPrefix: string;
  legend: string;
  fileLabel: (n: number) => string;
  addLabel: string;
  rule: DocumentRule;
  max: number;
  /** Said after the boxes, e.g. the server's message about the list. */
  children?: ComponentChildren;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {slots.map((slot, i) => (
        <ScanUpload
          key={slot.key}
          id={`${idPrefix}-${slot.key}`}
          label={fileLabel(i + 1)}
          rule={rule}
          onUploaded={(scan) => setSlots((all) => all.map((x) => (x.key === slot.key ? { ...x, scan } : x)))}
        />
      ))}
      {children}
      {slots.length < max && (
        <button
          type="button"
          class="secondary"
          onClick={() => setSlots((all) => [...all, { key: (all.at(-1)?.key ?? 0) + 1 }])}
        >
          {addLabel}
        </button>
      )}
    </fieldset>
  );
}
