/**
 * A file input that speaks the page's language: the browser's own control says "Choose File / No file
 * chosen" in the browser's language, whatever the page's. The native input stays where it is, over the
 * words drawn in its place (transparent, the same size), so a click, a tap, Tab then Space or Enter, and
 * a screen reader all reach the real control with the field's own label.
 */
import { strings } from '../i18n.js';

const useStrings = strings({
  vi: { choose: 'Chọn tệp', none: 'Chưa chọn tệp' },
  en: { choose: 'Choose a file', none: 'No file chosen' },
});

export function FilePicker({
  id,
  accept,
  describedBy,
  invalid,
  fileName,
  onFile,
}: {
  id: string;
  accept: string;
  describedBy: string;
  invalid: boolean;
  /** The file chosen last, if any. */
  fileName: string | undefined;
  onFile: (file: File) => void;
}) {
  const s = useStrings();
  return (
    <div class="file-picker">
      <input
        id={id}
        type="file"
        accept={accept}
        aria-describedby={describedBy}
        aria-invalid={invalid || undefined}
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          // The same file chosen again after a refusal is a new choice.
          e.currentTarget.value = '';
          if (file) onFile(file);
        }}
      />
      {/* What the control would say, in the page's language; the input's label names it for a reader. */}
      <span class="file-button" aria-hidden="true">
        {s.choose}
      </span>
      <span class="file-name" aria-hidden="true">
        {fileName ?? s.none}
      </span>
    </div>
  );
}
