import { useState } from 'preact/hooks';
import { strings } from '../i18n.js';
import { navigate } from '../router.js';

const useStrings = strings({
  vi: { label: 'Tên thủ tục', placeholder: 'ví dụ: khai sinh', submit: 'Tìm' },
  en: { label: 'Procedure name', placeholder: 'e.g. birth registration', submit: 'Search' },
});

/** The search box of the home page and the header of the results: it leads to /thu-tuc?q=… */
export function ProcedureSearchForm({ initial = '', extra }: { initial?: string; extra?: URLSearchParams }) {
  const s = useStrings();
  const [q, setQ] = useState(initial);
  return (
    <search>
      <form
        class="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          const params = new URLSearchParams(extra);
          params.delete('q');
          if (q.trim()) params.set('q', q.trim());
          const qs = params.toString();
          navigate(`/thu-tuc${qs ? `?${qs}` : ''}`);
        }}
      >
        <label for="q">{s.label}</label>
        <div class="row">
          <input
            id="q"
            name="q"
            type="search"
            autocomplete="off"
            placeholder={s.placeholder}
            value={q}
            onInput={(e) => setQ(e.currentTarget.value)}
          />
          <button type="submit">{s.submit}</button>
        </div>
      </form>
    </search>
  );
}
