/**
 * Keeps a filing's server draft in step with the form (debounced saves, one at a time, conflicts
 * settled by the citizen). Apart from the page because it is the page's only timing logic.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { deleteDraft, isConflict, loadDraft, saveDraft } from './drafts.js';
import type { Scan } from './model.js';
import type { DocumentRule } from './upload.js';

type DraftState = { kind: 'idle' | 'saving' | 'failed' | 'conflict' } | { kind: 'saved'; at: string };

/** Wait after the last change before saving: typing saves once a pause comes, not at every key. */
const DRAFT_DELAY_MS = 1500;

/**
 * Keeps the server's draft in step with the form: saved a moment after each change and on "Lưu nháp",
 * one save at a time, each with the version the last one returned. A save refused because another
 * device saved meanwhile stops the saving until the citizen chooses which version to keep.
 */
export function useDraftSync(
  code: string,
  docs: DocumentRule[],
  values: Record<string, string>,
  scans: Record<string, Scan>,
) {
  const latest = useRef({ values, scans });
  latest.current = { values, scans };
  const version = useRef<number | undefined>(undefined);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const closed = useRef(false);
  const conflict = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const [state, setState] = useState<DraftState>({ kind: 'idle' });
  useEffect(() => () => clearTimeout(timer.current), []);

  const body = () => ({
    form: latest.current.values,
    attachments: docs
      .filter((d) => latest.current.scans[d.type]?.state === 'done' && latest.current.scans[d.type]?.uploadId)
      .map((d) => {
        const scan = latest.current.scans[d.type]!;
        return { documentType: d.type, uploadId: scan.uploadId!, fileName: scan.fileName };
      }),
  });

  const save = (): Promise<void> => {
    clearTimeout(timer.current);
    chain.current = chain.current.then(async () => {
      if (closed.current) return;
      setState({ kind: 'saving' });
      try {
        const saved = await saveDraft(code, body(), version.current);
        version.current = saved.version;
        conflict.current = false;
        setState({ kind: 'saved', at: saved.savedAt });
      } catch (err) {
        conflict.current = isConflict(err);
        setState({ kind: conflict.current ? 'conflict' : 'failed' });
      }
    });
    return chain.current;
  };

  return {
    state,
    start: (v: number | undefined) => {
      version.current = v;
    },
    changed: () => {
      if (closed.current || conflict.current) return;
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void save(), DRAFT_DELAY_MS);
    },
    save,
    /** Before filing: no save starts, and the one under way ends first. */
    close: async () => {
      closed.current = true;
      clearTimeout(timer.current);
      await chain.current;
    },
    reopen: () => {
      closed.current = false;
    },
    discard: async () => {
      clearTimeout(timer.current);
      await chain.current;
      version.current = undefined;
      setState({ kind: 'idle' });
      await deleteDraft(code).catch(() => undefined);
    },
    /** The draft saved elsewhere replaces what is on the page. */
    takeTheirs: async () => {
      const d = await loadDraft(code).catch(() => undefined);
      version.current = d?.version;
      conflict.current = false;
      setState({ kind: 'idle' });
      return d;
    },
    /** What is on the page replaces the draft saved elsewhere. */
    keepMine: async () => {
      const d = await loadDraft(code).catch(() => undefined);
      version.current = d?.version;
      conflict.current = false;
      await save();
    },
  };
}
