/** What /config.json tells the page: the issuer to sign in with and where the API is. */
export interface PageConfig {
  issuer: string;
  clientId: string;
  /** API origin; empty for the page's own origin. */
  apiUrl: string;
  logoutEndpoint?: string;
  allowInsecureRequests?: boolean;
}

let loaded: PageConfig | undefined;

export async function loadConfig(): Promise<PageConfig> {
  loaded = (await (await fetch('/config.json')).json()) as PageConfig;
  return loaded;
}

export function config(): PageConfig {
  if (!loaded) throw new Error('config.json not loaded');
  return loaded;
}
