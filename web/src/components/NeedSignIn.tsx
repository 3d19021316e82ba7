/** A signed-in page seen signed out: its title, why, and the sign-in that comes back to it. */
import { signIn } from '../auth.js';
import { useCommon } from '../i18n.js';

export function NeedSignIn({ title }: { title: string }) {
  const t = useCommon();
  return (
    <>
      <h1>{title}</h1>
      <p>{t.needSignIn}</p>
      <button type="button" onClick={() => void signIn({ returnTo: location.pathname + location.search })}>
        {t.signIn}
      </button>
    </>
  );
}
