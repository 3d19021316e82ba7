import { useTitle } from '../data.js';
import { strings, useCommon } from '../i18n.js';

const useStrings = strings({ vi: { title: 'Thống kê' }, en: { title: 'Statistics' } });

export function Stats() {
  const s = useStrings();
  const t = useCommon();
  useTitle(s.title, t.brand);
  return <h1>{s.title}</h1>;
}
