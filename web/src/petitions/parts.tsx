/**
 * What every petition page shows: the links to send or follow petitions, and the prompt to sign in.
 * Apart from the pages so each imports them alone.
 */
import { useSession } from '../auth.js';
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

/** The prompt to sign in, shared with the other signed-in pages. */
export { NeedSignIn } from '../components/NeedSignIn.js';
