import { useCommon } from '../i18n.js';

/** Announced politely to screen readers; the label may say what is loading. */
export function Loading({ label }: { label?: string }) {
  const t = useCommon();
  return (
    <p class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {label ?? t.loading}
    </p>
  );
}
