/**
 * A choice among many that the API serves for the fields chosen before it: a province's communes
 * (`x-options` of the published form). A native select (keyboard and screen readers know it), narrowed by
 * a search box that matches with or without tone marks ("hoan kiem" finds "Phường Hoàn Kiếm").
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { errorText, get } from '../api.js';
import { strings, useLang } from '../i18n.js';
import { type FormField, fold, nameFirst } from './form.js';

const useStrings = strings({
  vi: {
    search: 'Tìm nhanh theo tên (gõ có dấu hoặc không dấu)',
    chooseFirst: '— Chọn tỉnh trước —',
    choose: '— Chọn —',
    loading: 'Đang tải danh sách…',
    found: (n: number, all: number) =>
      n === all ? `${all} lựa chọn` : `Tìm thấy ${n} trong ${all} lựa chọn`,
    none: 'Không có tên nào khớp.',
  },
  en: {
    search: 'Search by name (with or without tone marks)',
    chooseFirst: '— Province first —',
    choose: '— Choose —',
    loading: 'Loading the list…',
    found: (n: number, all: number) => (n === all ? `${all} choices` : `${n} of ${all} choices match`),
    none: 'No name matches.',
  },
});

interface Choice {
  value: string;
  label: string;
  key: string;
}

/** Each list is asked for once per page load (a province's communes do not change while filing). */
const cache = new Map<string, Promise<Choice[]>>();

function choicesAt(href: string, f: FormField): Promise<Choice[]> {
  let hit = cache.get(href);
  if (!hit) {
    hit = get<{ items: Record<string, unknown>[] }>(href).then((r) =>
      r.items.map((i) => {
        const value = String(i[f.remote!.valueKey] ?? '');
        // "Hoàn Kiếm (phường)" tells a ward from a commune of the same name.
        const label = nameFirst(String(i.fullName ?? i[f.remote!.labelKey] ?? value));
        return { value, label, key: fold(label) };
      }),
    );
    hit.catch(() => cache.delete(href));
    cache.set(href, hit);
  }
  return hit;
}

export function RemoteSelect({
  f,
  id,
  href,
  value,
  required,
  invalid,
  describedBy,
  onChange,
  onLabel,
}: {
  f: FormField;
  id: string;
  href: string | undefined;
  value: string;
  required: boolean;
  invalid: boolean;
  describedBy?: string;
  onChange: (value: string) => void;
  /** What the chosen value is called (for the review), once the list is known. */
  onLabel?: (label: string | undefined) => void;
}) {
  const s = useStrings();
  const lang = useLang();
  const [choices, setChoices] = useState<Choice[]>();
  const [problem, setProblem] = useState<unknown>();
  const [q, setQ] = useState('');
  useEffect(() => {
    setChoices(undefined);
    setProblem(undefined);
    setQ('');
    if (!href) return;
    let live = true;
    choicesAt(href, f).then(
      (c) => live && setChoices(c),
      (err) => live && setProblem(err),
    );
    return () => {
      live = false;
    };
  }, [href]);
  useEffect(() => {
    if (choices) onLabel?.(choices.find((c) => c.value === value)?.label);
  }, [choices, value]);
  const shown = useMemo(() => {
    const needle = fold(q.trim());
    const list = choices ?? [];
    const hits = needle ? list.filter((c) => c.key.includes(needle)) : list;
    // The chosen one stays in the list, or the select would show another.
    const chosen = list.find((c) => c.value === value);
    return chosen && !hits.includes(chosen) ? [chosen, ...hits] : hits;
  }, [choices, q, value]);
  const count = choices ? s.found(shown.length, choices.length) : '';
  return (
    <div class="remote-select">
      {href && choices && choices.length > 8 && (
        <>
          <label class="sub" for={`${id}-search`}>
            {s.search}
          </label>
          <input
            id={`${id}-search`}
            type="search"
            autoComplete="off"
            value={q}
            aria-controls={id}
            aria-describedby={`${id}-count`}
            onInput={(e) => setQ(e.currentTarget.value)}
          />
        </>
      )}
      <select
        id={id}
        value={value}
        required={required}
        disabled={!href || !choices}
        aria-invalid={invalid || undefined}
        aria-describedby={[describedBy, `${id}-count`].filter(Boolean).join(' ') || undefined}
        onChange={(e) => onChange(e.currentTarget.value)}
      >
        <option value="">{!href ? s.chooseFirst : !choices ? s.loading : s.choose}</option>
        {shown.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
      <p class="hint" id={`${id}-count`} aria-live="polite">
        {problem ? errorText(problem, lang) : choices && q && shown.length === 0 ? s.none : count}
      </p>
    </div>
  );
}
