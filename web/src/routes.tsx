/** Every page of the portal: add a file under pages/ and a line here. */
import { Filing } from './pages/Filing.js';
import { Home } from './pages/Home.js';
import { Mine } from './pages/Mine.js';
import { PaymentReturn } from './pages/PaymentReturn.js';
import { ProcedurePage } from './pages/Procedure.js';
import { Search } from './pages/Search.js';
import { Stats } from './pages/Stats.js';
import { Track } from './pages/Track.js';
import { Verify } from './pages/Verify.js';
import type { Route } from './router.js';

export const routes: Route[] = [
  { path: '/', page: Home },
  { path: '/thu-tuc', page: Search },
  { path: '/thu-tuc/:code', page: ProcedurePage },
  { path: '/tra-cuu', page: Track },
  { path: '/ho-so-cua-toi', page: Mine },
  { path: '/thong-ke', page: Stats },
  { path: '/nop/:code', page: Filing },
  { path: '/thanh-toan/:provider', page: PaymentReturn },
  { path: '/verify/:documentId', page: Verify },
];

/** Where a procedure is filed online (the filing page's own route). */
export const filingPath = (procedureCode: string) => `/nop/${encodeURIComponent(procedureCode)}`;
export const procedurePath = (procedureCode: string) => `/thu-tuc/${encodeURIComponent(procedureCode)}`;
