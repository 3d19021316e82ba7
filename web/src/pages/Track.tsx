import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorText, get } from '../api.js';
import { DossierDetails } from '../components/DossierDetails.js';
import { useTitle } from '../data.js';
import { strings, useCommon, useLang } from '../i18n.js';
import type { DossierView } from '../types.js';

const useStrings = strings({
  vi: {
    title: 'Tra cứu hồ sơ',
    lead: 'Không cần đăng nhập: nhập mã hồ sơ và mã tra cứu in trên giấy biên nhận.',
    code: 'Mã hồ sơ',
    codeHint: 'ví dụ: CAHN-261122-0001',
    key: 'Mã tra cứu',
    keyHint: '12 ký tự in trên giấy biên nhận hồ sơ.',
    submit: 'Tra cứu',
    notFound: (code: string) => `Không tìm thấy hồ sơ ${code} với mã tra cứu này.`,
  },
  en: {
    title: 'Track a dossier',
    lead: 'No sign-in needed: enter the dossier code and the tracking key printed on the receipt.',
    code: 'Dossier code',
    codeHint: 'e.g. CAHN-261122-0001',
    key: 'Tracking key',
    keyHint: 'The 12 characters printed on the receipt.',
    submit: 'Track',
    notFound: (code: string) => `No dossier ${code} with this tracking key.`,
  },
});

/** Public tracking; the code and key stay in the page (never in the address, which is logged and shared). */
export function Track() {
  const s = useStrings();
  const t = useCommon();
  const lang = useLang();
  useTitle(s.title, t.brand);
  const [found, setFound] = useState<DossierView>();
  const [message, setMessage] = useState('');
  useEffect(() => {
    if (found) document.getElementById('tracked')?.focus();
  }, [found]);
  return (
    <>
      <h1>{s.title}</h1>
      <p>{s.lead}</p>
      <form
        id="track-form"
        class="stack"
        onSubmit={async (e) => {
          e.preventDefault();
          const data = new FormData(e.currentTarget);
          const code = String(data.get('code') ?? '').trim();
          const key = String(data.get('key') ?? '').trim();
          try {
            setFound(
              await get<DossierView>(`/v1/track/${encodeURIComponent(code)}?${new URLSearchParams({ key })}`),
            );
            setMessage('');
          } catch (err) {
            setFound(undefined);
            setMessage(
              err instanceof ApiError && err.status === 404 ? s.notFound(code) : errorText(err, lang),
            );
          }
        }}
      >
        <label for="track-code">{s.code}</label>
        <p id="track-code-hint" class="hint">
          {s.codeHint}
        </p>
        <input id="track-code" name="code" required autocomplete="off" aria-describedby="track-code-hint" />
        <label for="track-key">{s.key}</label>
        <p id="track-key-hint" class="hint">
          {s.keyHint}
        </p>
        <input
          id="track-key"
          name="key"
          required
          autocomplete="off"
          maxLength={12}
          aria-describedby="track-key-hint"
        />
        <div>
          <button type="submit">{s.submit}</button>
        </div>
      </form>
      <p id="track-message" role="status" class={message ? 'field-error' : undefined}>
        {message}
      </p>
      {found && <DossierDetails d={found} id="tracked" />}
    </>
  );
}
