/**
 * What every petition page shows: the links to send or follow petitions, and the prompt to sign in.
 * Apart from the pages so each imports them alone.
 */
import { signIn, useSession } from '../auth.js';
import { useCommon } from '../i18n.js';
import { Link } from '../router.js';
import { useStrings } from './strings.js';

export function PetitionNav() {
  const s = useStrings();
  const session = useSession();
  return (
    <ul class="actions plain">
      <li>
        <Link href="/phan-anh-kien-nghi/gui" class="button">
          {s.send}
        </Link>
      </li>
      {session && (
        <li>
          <Link href="/phan-anh-kien-nghi/cua-toi">{s.mine}</Link>
        </li>
      )}
    </ul>
  );
}

export function NeedSignIn({ title }: { title: string }) {
  const t = useCommon();
  return (
    <>
      <h1>{title}</h1>
      <p>{t.needSignIn}</p>
      <button type="button" onClick={() => void signIn({ returnTo: location.pathname })}>
        {t.signIn}
      </button>
    </>
  );
}
