/**
 * A day typed day first (22/11/2000), as people write it here, into a text box with the number pad on a
 * phone. The browser's own date box shows the order of the browser's language instead (05/01/1990 for
 * the 1st of May in an English browser), which a citizen here reads as the 5th of January. The form
 * keeps the day as YYYY-MM-DD; text that is no day yet is kept as typed, for the page to point out.
 */
import { useEffect, useState } from 'preact/hooks';
import { formatDay } from '../i18n.js';
import { readDay } from './form.js';

/** What the page says of text that is no day, in both languages as the API's messages are. */
export const NOT_A_DAY = {
  vi: 'Không phải một ngày hợp lệ; gõ ngày/tháng/năm, ví dụ 22/11/2000.',
  en: 'Not a valid day; type day/month/year, e.g. 22/11/2000.',
};

export function DateField({
  id,
  value,
  required,
  invalid,
  describedBy,
  autoComplete,
  onChange,
}: {
  id: string;
  value: string;
  required: boolean;
  invalid: boolean;
  describedBy: string;
  autoComplete?: string;
  onChange: (value: string) => void;
}) {
  const [text, setText] = useState(() => formatDay(value));
  // A value set from elsewhere (a draft from another device, starting over) replaces what is shown.
  useEffect(() => {
    if ((readDay(text) ?? text) !== value) setText(formatDay(value));
  }, [value]);
  return (
    <input
      id={id}
      type="text"
      inputMode="numeric"
      autoComplete={autoComplete}
      value={text}
      required={required}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy || undefined}
      onInput={(e) => {
        const typed = e.currentTarget.value;
        setText(typed);
        onChange(readDay(typed) ?? typed);
      }}
      onBlur={() => {
        const day = readDay(text);
        if (day) setText(formatDay(day));
      }}
    />
  );
}
