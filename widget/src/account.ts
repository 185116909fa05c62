// The reader's account as the main bundle knows it: which sign-in methods
// the site offers, the session from publisher SSO or an e-mail link's
// code, and the bar at the top of the block. The sign-in panel and the
// profile live in /embed-account.js, loaded when a reader first opens one,
// so that readers who never sign in do not download them.
import { Api, ApiError, enc } from "./api";
import { button, h } from "./dom";
import type { I18n } from "./i18n";
import { Bell } from "./inbox/bell";

export interface SignInInfo {
  anonymous: boolean;
  sso: boolean;
  email: boolean;
  oidc: { name: string } | null;
  passkey: boolean;
}

export interface User {
  id: string;
  name: string;
  role: string;
  badges: string[];
}

// SignedIn is the answer of every sign-in method.
export interface SignedIn {
  session: string;
  expiresAt: string;
  user: User;
}

// TokenSource is the page's SSO callback: element.getToken or
// window.Parley.getToken, returning the publisher's JWT or nothing.
type TokenSource = () => Promise<string | null | undefined> | string | null | undefined;

// AccountHost is what the account needs of the block around it.
export interface AccountHost extends HTMLElement {
  i: I18n;
  api: Api;
  base: string;
  getToken?: TokenSource;
  say(msg: string, error?: boolean): void;
  fail(e: unknown): void;
  signedIn(u: User | null): void;
}

// The account bundle's interface (src/account/main.ts).
interface AccountModule {
  openSignIn(a: Account, opener: HTMLElement): void;
  openProfile(a: Account, opener: HTMLElement): void;
  learn(a: Account): void;
}

// staffRoles are the roles shown beside a name.
const staffRoles = ["staff", "moderator", "admin"];

// badges renders a role (when staff) and the publisher's badges as text.
export function badges(i: I18n, role = "", list: string[] = []) {
  const out = staffRoles.includes(role) ? [h("span", { class: "bdg role" }, i.t("badge." + role))] : [];
  return out.concat(list.slice(0, 5).map((b) => h("span", { class: "bdg" }, b)));
}

export class Account {
  info?: SignInInfo;
  user: User | null = null;
  readonly bar = h("div", { class: "acct" });
  readonly bell = new Bell(this);
  private mod?: Promise<AccountModule>;
  private asking?: Promise<void>;
  private shows = "";

  constructor(readonly host: AccountHost) {
    host.api.onSessionGone = (key) => {
      this.set(null);
      host.say(host.i.t("error.sessionExpired"), true); // or sessionInvalid: the same to a reader
      this.sso(); // ask the page for a new token
    };
  }

  get api() {
    return this.host.api;
  }

  // start learns who the reader is: from an e-mail link's code, a token
  // on the element, a stored session or the page's callback, in that
  // order; without any of them it resolves at once. The site's methods
  // are fetched alongside and fill the bar when they come.
  async start() {
    const api = this.api, site = enc(api.site);
    api.call("GET", `/sites/${site}/auth`).then((m) => ((this.info = m), this.render()), () => {});
    const code = takeCode(), token = this.host.getAttribute("token");
    try {
      if (code) await this.signIn(api.call("POST", `/sites/${site}/auth/code`, { code }));
      else if (token) await this.signIn(api.call("POST", `/sites/${site}/auth/sso`, { token }));
      else if (api.session) this.set((await api.call("GET", `/me?site=${site}`)).user);
    } catch (e) {
      if (code) await this.load().then((m) => m.learn(this), () => {}); // its refusals' messages
      this.host.fail(e);
    }
    if (!this.user) await this.sso();
    this.render();
    this.bell.refresh();
  }

  // sso asks the page's callback, if it gave one, for a token and
  // exchanges it; a second call while one is asking waits for that one.
  private sso(): Promise<void> {
    return (this.asking ||= this.ask().finally(() => (this.asking = undefined)));
  }

  private async ask() {
    const get = this.host.getToken || (window as any).Parley?.getToken;
    if (typeof get != "function") return;
    try {
      const token = await get();
      if (token) await this.signIn(this.api.call("POST", `/sites/${enc(this.api.site)}/auth/sso`, { token }));
    } catch (e) {
      this.host.fail(e);
    }
  }

  // signIn takes the answer of any sign-in method.
  async signIn(answer: Promise<SignedIn> | SignedIn) {
    const r = await answer;
    this.api.session = r.session;
    this.set(r.user);
  }

  set(u: User | null) {
    this.user = u;
    this.host.signedIn(u);
    this.render();
  }

  // offers reports whether the panel has anything to offer.
  offers() {
    const m = this.info;
    return !!m && (m.email || !!m.oidc || m.passkey);
  }

  // render redraws the bar when what it shows changed, and only then:
  // a button replaced under a reader's finger or focus would be lost.
  render() {
    const { host, user } = this, i = host.i, login = host.getAttribute("login-url");
    const cred = !!this.api.credential;
    const shows = JSON.stringify([user, this.offers(), this.info?.sso && login, cred]);
    if (shows == this.shows) return;
    this.shows = shows;
    let kids: (Node | false)[] = [];
    if (user) {
      kids = [h("span", { class: "who" }, i.t("account.signedInAs", user.name)), ...badges(i, user.role, user.badges),
        this.opener(i.t("account.profile"), "openProfile")];
    } else if (this.offers()) {
      kids = [this.opener(i.t("account.signIn"), "openSignIn")];
    } else if (this.info?.sso && login && /^https?:/.test(login)) {
      kids = [h("a", { href: login, class: "pri lnkb" }, i.t("account.signIn"))];
    }
    if (cred) kids.push(this.bell.btn);
    this.bar.replaceChildren(...kids.filter(Boolean) as Node[]);
    this.bar.hidden = !kids.length;
  }

  private opener(label: string, what: "openSignIn" | "openProfile") {
    const b = button(label, () => this.open(what, b), "acb");
    b.setAttribute("aria-haspopup", "dialog");
    return b;
  }

  // load imports the account bundle once; a failed import is tried
  // again next time.
  private load(): Promise<AccountModule> {
    return (this.mod ||= import(this.host.base + "/embed-account.js").catch((e) => {
      this.mod = undefined;
      throw e;
    }));
  }

  // open loads the account bundle once and opens the panel or profile.
  private async open(what: "openSignIn" | "openProfile", opener: HTMLElement) {
    try {
      (await this.load())[what](this, opener);
    } catch (e) {
      this.host.fail(e instanceof ApiError ? e : new ApiError("network"));
    }
  }
}

// takeCode reads #parley-code=… that an e-mail link brings the reader
// back with, and removes it from the address at once, so that it is
// neither bookmarked nor shared.
function takeCode(): string {
  const m = /(?:^#|&)parley-code=([^&]+)/.exec(location.hash);
  if (!m) return "";
  const rest = location.hash.slice(1).split("&").filter((p) => !p.startsWith("parley-code=")).join("&");
  history.replaceState(history.state, "", location.pathname + location.search + (rest ? "#" + rest : ""));
  return decodeURIComponent(m[1]);
}
