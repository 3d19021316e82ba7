/**
 * The citizen page: signs in with the authorization code flow and PKCE against whatever issuer
 * /config.json names (the local issuer, or Cognito's hosted domain federated to VNeID in AWS), then
 * calls the API with the access token. Tokens live in this module's memory only, never in Web Storage
 * where any script on the origin could read them and a shared computer would keep them: a reload
 * forgets them, and the page asks the issuer again without showing anything (prompt=none), which
 * answers from its own sign-in session or leaves the citizen at the sign-in button.
 */
import * as oauth from 'oauth4webapi';

interface PageConfig {
  issuer: string;
  clientId: string;
  apiUrl: string;
  logoutEndpoint?: string;
  allowInsecureRequests?: boolean;
}

interface Session {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
  sub: string;
  name?: string;
}

interface TimelineEntry {
  at: string;
  type: string;
  status: string;
  note?: string;
}

interface DossierView {
  code: string;
  procedureName: string;
  agencyName: string;
  status: string;
  submittedAt: string;
  dueAt: string;
  overdue: boolean;
  timeline?: TimelineEntry[];
  /** The owner's view only: the key of the receipt that public tracking asks for. */
  trackingKey?: string;
}

const STATUS: Record<string, string> = {
  submitted: 'Đã nộp',
  received: 'Đã tiếp nhận',
  in_progress: 'Đang xử lý',
  supplement_requested: 'Yêu cầu bổ sung',
  supplemented: 'Đã bổ sung',
  approved: 'Đã phê duyệt',
  rejected: 'Bị từ chối',
  result_issued: 'Đã trả kết quả',
  completed: 'Hoàn thành',
  withdrawn: 'Đã rút',
};

/** The PKCE verifier, state and nonce of a sign-in under way: they must outlive the redirect. */
const PENDING_KEY = 'cong.signin';
/** Only a flag (no token): this tab was signed in, so a reload tries a silent sign-in. */
const SIGNED_IN_KEY = 'cong.signedIn';
const CALLBACK_PATH = '/auth/callback';

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const redirectUri = () => `${location.origin}${CALLBACK_PATH}`;
// Deadlines close at 17:00 in Hà Nội: times are shown in Vietnam's time wherever the browser is.
const when = (iso: string) => new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' });

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

const say = (text: string) => {
  byId('message').textContent = text;
};

let config: PageConfig;
let server: oauth.AuthorizationServer | undefined;
let client: oauth.Client;
const http = () => ({ [oauth.allowInsecureRequests]: config.allowInsecureRequests === true });

async function authorizationServer(): Promise<oauth.AuthorizationServer> {
  if (server) return server;
  const issuer = new URL(config.issuer);
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...http() });
  server = await oauth.processDiscoveryResponse(issuer, response);
  return server;
}

let session: Session | undefined;

function saveTokens(result: oauth.TokenEndpointResponse, previous?: Session): Session {
  const claims = oauth.getValidatedIdTokenClaims(result);
  session = {
    accessToken: result.access_token,
    refreshToken: result.refresh_token ?? previous?.refreshToken,
    expiresAt: Date.now() + (result.expires_in ?? 3600) * 1000,
    sub: claims?.sub ?? previous?.sub ?? '',
    name: typeof claims?.name === 'string' ? claims.name : previous?.name,
  };
  sessionStorage.setItem(SIGNED_IN_KEY, '1');
  return session;
}

/** To the issuer's sign-in; `silently` asks it to answer from its session without showing a page. */
async function signIn(silently = false) {
  const as = await authorizationServer();
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  sessionStorage.setItem(PENDING_KEY, JSON.stringify({ verifier, state, nonce }));
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: 'openid profile',
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(silently ? { prompt: 'none' } : {}),
  }).toString();
  location.assign(url.toString());
}

/** Back from the login page: exchange the code (with the PKCE verifier) for tokens. */
async function completeSignIn() {
  const pending = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? 'null') as {
    verifier: string;
    state: string;
    nonce: string;
  } | null;
  const callback = new URL(location.href);
  sessionStorage.removeItem(PENDING_KEY);
  // The code leaves the address bar (and history) at once.
  history.replaceState(null, '', '/');
  if (!pending) throw new Error('Phiên đăng nhập đã hết hạn, vui lòng đăng nhập lại.');
  const as = await authorizationServer();
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, callback, pending.state);
  } catch (err) {
    // A silent sign-in the issuer could not complete: the citizen simply signs in with the button.
    if (err instanceof oauth.AuthorizationResponseError && SILENT_FAILURES.has(err.error)) {
      sessionStorage.removeItem(SIGNED_IN_KEY);
      return;
    }
    throw err;
  }
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    params,
    redirectUri(),
    pending.verifier,
    http(),
  );
  saveTokens(
    await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: pending.nonce,
      requireIdToken: true,
    }),
  );
}

/** OIDC's answers to prompt=none when the issuer would have to show a page. */
const SILENT_FAILURES = new Set([
  'login_required',
  'interaction_required',
  'consent_required',
  'account_selection_required',
]);

async function refresh(current: Session): Promise<Session | undefined> {
  if (!current.refreshToken) return undefined;
  try {
    const as = await authorizationServer();
    const response = await oauth.refreshTokenGrantRequest(
      as,
      client,
      oauth.None(),
      current.refreshToken,
      http(),
    );
    return saveTokens(await oauth.processRefreshTokenResponse(as, client, response), current);
  } catch {
    session = undefined;
    return undefined;
  }
}

async function signOut() {
  session = undefined;
  sessionStorage.removeItem(SIGNED_IN_KEY);
  const as = await authorizationServer().catch(() => undefined);
  const endpoint = config.logoutEndpoint ?? as?.end_session_endpoint;
  if (!endpoint) return render();
  const url = new URL(endpoint);
  // Cognito's logout parameters; the local issuer accepts them too.
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('logout_uri', `${location.origin}/`);
  location.assign(url.toString());
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Calls the API; with `signedIn`, sends the access token, refreshed once if it has expired. */
async function api<T>(path: string, signedIn = false): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (signedIn) {
    let current = session;
    if (current && current.expiresAt - 60_000 < Date.now()) current = await refresh(current);
    if (!current) throw new ApiError(401, 'Vui lòng đăng nhập.');
    headers.authorization = `Bearer ${current.accessToken}`;
  }
  const res = await fetch(`${config.apiUrl}${path}`, { headers });
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string; messageVi?: string } };
  if (!res.ok)
    throw new ApiError(res.status, body.error?.messageVi ?? body.error?.message ?? `Lỗi ${res.status}`);
  return body as T;
}

function statusBadge(d: { status: string; overdue?: boolean }) {
  const label = `${STATUS[d.status] ?? d.status}${d.overdue ? ' · quá hạn' : ''}`;
  return el('span', { class: d.overdue ? 'status overdue' : 'status' }, label);
}

function dossierDetails(target: HTMLElement, d: DossierView) {
  const rows: Array<[string, Node | string]> = [
    ['Thủ tục', d.procedureName],
    ['Cơ quan', d.agencyName],
    ['Trạng thái', statusBadge(d)],
    ['Ngày nộp', when(d.submittedAt)],
    ['Hạn trả kết quả', when(d.dueAt)],
    ...(d.trackingKey ? [['Mã tra cứu', d.trackingKey] as [string, string]] : []),
  ];
  const list = el('dl');
  for (const [k, v] of rows) list.append(el('dt', {}, k), el('dd', {}, v));
  const timeline = el('ol', { class: 'timeline' });
  for (const t of d.timeline ?? []) {
    timeline.append(
      el(
        'li',
        {},
        el('time', { datetime: t.at }, when(t.at)),
        ` — ${STATUS[t.status] ?? t.status}`,
        t.note ? ` (${t.note})` : '',
      ),
    );
  }
  target.replaceChildren(el('h3', {}, `Hồ sơ ${d.code}`), list, el('h4', {}, 'Quá trình xử lý'), timeline);
  target.hidden = false;
}

async function openDossier(code: string) {
  try {
    dossierDetails(byId('dossier'), await api<DossierView>(`/v1/dossiers/${encodeURIComponent(code)}`, true));
    byId('dossier').focus();
  } catch (err) {
    say((err as Error).message);
  }
}

async function loadMyDossiers() {
  const list = byId<HTMLUListElement>('my-dossiers');
  try {
    const { items } = await api<{ items: DossierView[] }>('/v1/me/dossiers', true);
    list.replaceChildren(
      ...items.map((d) => {
        const open = el('button', { type: 'button', class: 'link' }, `${d.code} — ${d.procedureName}`);
        open.addEventListener('click', () => void openDossier(d.code));
        return el(
          'li',
          {},
          open,
          el('span', { class: 'meta' }, statusBadge(d), ` Nộp ${when(d.submittedAt)}`),
        );
      }),
    );
    if (items.length === 0) list.replaceChildren(el('li', {}, 'Bạn chưa có hồ sơ nào.'));
  } catch (err) {
    say((err as Error).message);
  }
}

async function search(q: string) {
  const list = byId<HTMLUListElement>('procedures');
  try {
    const { items } = await api<{
      items: Array<{
        code: string;
        name: string;
        processingDays: number | null;
        fee: number | null;
        onlineFiling: boolean;
      }>;
    }>(`/v1/procedures?${new URLSearchParams({ q, limit: '10' })}`);
    // Information entries may give no time in working days or no fee: say nothing rather than guess.
    const meta = (p: (typeof items)[number]) =>
      [
        `Mã ${p.code}`,
        p.processingDays !== null ? `${p.processingDays} ngày làm việc` : undefined,
        p.fee === null ? undefined : p.fee ? `${p.fee.toLocaleString('vi-VN')} đ` : 'Miễn phí',
        p.onlineFiling ? undefined : 'Chưa nộp trực tuyến trên Cổng',
      ]
        .filter(Boolean)
        .join(' · ');
    list.replaceChildren(...items.map((p) => el('li', {}, p.name, el('span', { class: 'meta' }, meta(p)))));
    if (items.length === 0) list.replaceChildren(el('li', {}, 'Không tìm thấy thủ tục phù hợp.'));
  } catch (err) {
    say((err as Error).message);
  }
}

async function track(code: string, key: string) {
  try {
    const query = new URLSearchParams({ key });
    dossierDetails(byId('tracked'), await api<DossierView>(`/v1/track/${encodeURIComponent(code)}?${query}`));
    say('');
  } catch (err) {
    byId('tracked').hidden = true;
    say(
      err instanceof ApiError && err.status === 404
        ? `Không tìm thấy hồ sơ ${code} với mã tra cứu này.`
        : (err as Error).message,
    );
  }
}

function render() {
  byId('sign-in').hidden = Boolean(session);
  byId('sign-out').hidden = !session;
  byId('who').textContent = session ? `Xin chào, ${session.name ?? session.sub}` : '';
  byId('mine').hidden = !session;
  if (session) void loadMyDossiers();
}

async function main() {
  config = (await (await fetch('/config.json')).json()) as PageConfig;
  client = { client_id: config.clientId, token_endpoint_auth_method: 'none' };
  byId('sign-in').addEventListener('click', () => signIn().catch((err: Error) => say(err.message)));
  byId('sign-out').addEventListener('click', () => void signOut());
  byId<HTMLFormElement>('search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void search(byId<HTMLInputElement>('q').value.trim());
  });
  byId<HTMLFormElement>('track-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void track(
      byId<HTMLInputElement>('track-code').value.trim(),
      byId<HTMLInputElement>('track-key').value.trim(),
    );
  });
  byId('dossier').tabIndex = -1;
  if (location.pathname === CALLBACK_PATH) {
    try {
      await completeSignIn();
    } catch (err) {
      sessionStorage.removeItem(SIGNED_IN_KEY);
      say(`Đăng nhập không thành công: ${(err as Error).message}`);
    }
  } else if (sessionStorage.getItem(SIGNED_IN_KEY)) {
    // Signed in before this reload: the tokens are gone with the old page; ask the issuer again.
    sessionStorage.removeItem(SIGNED_IN_KEY);
    try {
      return await signIn(true);
    } catch {
      // The issuer is unreachable: the sign-in button stays.
    }
  }
  render();
}

void main();
