/** Every page of the portal: add a file under pages/ and a line here. */
import { Account } from './pages/Account.js';
import { Filing } from './pages/Filing.js';
import { Home } from './pages/Home.js';
import { Mine } from './pages/Mine.js';
import { MyDossier } from './pages/MyDossier.js';
import { PaymentReturn } from './pages/PaymentReturn.js';
import { PetitionSend } from './pages/PetitionSend.js';
import { MyPetitions, PetitionPage, PetitionSearch } from './pages/Petitions.js';
import { ProcedurePage } from './pages/Procedure.js';
import { Search } from './pages/Search.js';
import { ServiceIndex } from './pages/ServiceIndex.js';
import { Shared } from './pages/Shared.js';
import { Stats } from './pages/Stats.js';
import { MyTickets, TicketPage } from './pages/Support.js';
import { SupportAsk } from './pages/SupportAsk.js';
import { Track } from './pages/Track.js';
import { Verify } from './pages/Verify.js';
import type { Route } from './router.js';

export const routes: Route[] = [
  { path: '/', page: Home },
  { path: '/thu-tuc', page: Search },
  { path: '/thu-tuc/:code', page: ProcedurePage },
  { path: '/tra-cuu', page: Track },
  { path: '/ho-so-cua-toi', page: Mine },
  { path: '/ho-so-cua-toi/:code', page: MyDossier },
  { path: '/phan-anh-kien-nghi', page: PetitionSearch },
  { path: '/phan-anh-kien-nghi/gui', page: PetitionSend },
  { path: '/phan-anh-kien-nghi/cua-toi', page: MyPetitions },
  { path: '/phan-anh-kien-nghi/:code', page: PetitionPage },
  { path: '/ho-tro', page: MyTickets },
  { path: '/ho-tro/hoi', page: SupportAsk },
  { path: '/ho-tro/:code', page: TicketPage },
  { path: '/thong-ke', page: Stats },
  { path: '/chi-so-phuc-vu', page: ServiceIndex },
  { path: '/nop/:code', page: Filing },
  { path: '/thanh-toan/:provider', page: PaymentReturn },
  { path: '/tai-khoan', page: Account },
  { path: '/verify/:documentId', page: Verify },
  { path: '/chia-se', page: Shared },
];

/** Where a procedure is filed online (the filing page's own route). */
export const filingPath = (procedureCode: string) => `/nop/${encodeURIComponent(procedureCode)}`;
export const procedurePath = (procedureCode: string) => `/thu-tuc/${encodeURIComponent(procedureCode)}`;
