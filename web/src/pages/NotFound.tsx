import { useTitle } from '../data.js';
import { useCommon } from '../i18n.js';
import { Link } from '../router.js';

export function NotFound() {
  const t = useCommon();
  useTitle(t.notFound, t.brand);
  return (
    <>
      <h1>{t.notFound}</h1>
      <p>{t.notFoundText}</p>
      <p>
        <Link href="/">{t.home}</Link> · <Link href="/thu-tuc">{t.procedures}</Link>
      </p>
    </>
  );
}
