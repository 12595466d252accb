/** WeCom web OAuth (网页授权登录) for staff: building the authorize URL and taking the code back off the page URL. */

export const OAUTH_AUTHORIZE_URL = 'https://open.weixin.qq.com/connect/oauth2/authorize';
export const OAUTH_STATE = 'careloop';

export interface OAuthUrlInput {
  corpId: string;
  agentId: string;
  /** Where WeCom sends the user back with `?code=…&state=…`; any `#fragment` is dropped. */
  redirectUri: string;
  state?: string;
}

/**
 * The authorize URL. WeCom requires the parameters in this order and `#wechat_redirect` at the end; `redirect_uri`
 * is URL-encoded once.
 */
export function buildOAuthUrl(input: OAuthUrlInput): string {
  const redirectUri = input.redirectUri.split('#')[0] ?? input.redirectUri;
  const params: [string, string][] = [
    ['appid', input.corpId],
    ['redirect_uri', redirectUri],
    ['response_type', 'code'],
    ['scope', 'snsapi_base'],
    ['state', input.state ?? OAUTH_STATE],
    ['agentid', input.agentId],
  ];
  const query = params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&');
  return `${OAUTH_AUTHORIZE_URL}?${query}#wechat_redirect`;
}

export interface OAuthReturn {
  /** The single-use OAuth code, or null when the page was not opened by an OAuth redirect. */
  code: string | null;
  state: string | null;
  /** The same URL without `code` and `state`, to put back with history.replaceState. */
  cleanUrl: string;
}

/** Reads the OAuth `code` (and `state`) from a page URL and gives the URL without them. */
export function readOAuthReturn(href: string): OAuthReturn {
  const url = new URL(href);
  const code = url.searchParams.get('code');
  const state = url.searchParams.get('state');
  url.searchParams.delete('code');
  url.searchParams.delete('state');
  let cleanUrl = url.toString();
  // URLSearchParams leaves a bare '?' behind when the query becomes empty.
  if (!url.search) cleanUrl = cleanUrl.replace(/\?(?=#|$)/, '');
  return { code: code && code.trim() ? code.trim() : null, state, cleanUrl };
}
