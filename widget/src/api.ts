// The JSON API client. Every failure becomes an ApiError naming the
// catalog message to show, so callers never display raw server text.
import type { Comment, Thread } from "./types";

export class ApiError extends Error {
  // retryAfter is the 429's Retry-After in seconds, 0 when absent; e is
  // the error object itself, for the pipeline's challenge and reasons.
  constructor(readonly code: string, readonly key = "", readonly retryAfter = 0, readonly e: any = {}) {
    super(code);
  }
}

// The keys of a refused session: the reader is signed out from then on.
const SESSION_GONE = ["sessionExpired", "sessionInvalid"];

export class Api {
  onToken?: () => void;
  // onSessionGone is told when the server refuses the stored session.
  onSessionGone?: (key: string) => void;
  private kept: string | null = null; // the session when storage is blocked

  constructor(readonly base: string, readonly site: string) {}

  // token is the stored commenter token, session the signed-in reader's
  // (kept in memory too, for when storage is blocked).
  get token(): string | null {
    return load("parley:token:" + this.site);
  }

  set token(v: string | null) {
    save("parley:token:" + this.site, v);
  }

  get session(): string | null {
    return load("parley:session:" + this.site) || this.kept;
  }

  set session(v: string | null) {
    save("parley:session:" + this.site, (this.kept = v));
  }

  // credential is what a request is sent with: the session before the
  // commenter token.
  get credential() {
    return this.session || this.token;
  }

  // send makes the request; a refused session is dropped and reported.
  async send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {}, cred = this.credential;
    if (cred) headers.Authorization = "Bearer " + cred;
    if (body) headers["Content-Type"] = "application/json";
    let res: Response;
    try {
      // no-cache: revalidate by ETag every time; the thread's
      // stale-while-revalidate is meant for shared caches, not readers
      res = await fetch(this.base + "/api/v1" + path, { method, headers, body: body ? JSON.stringify(body) : undefined, cache: "no-cache" });
    } catch {
      throw new ApiError("network");
    }
    if (res.ok) return res;
    let e: any = {};
    try {
      e = (await res.json()).error || {};
    } catch {}
    if (res.status == 401 && SESSION_GONE.includes(e.key) && this.session) {
      this.session = null;
      this.onSessionGone?.(e.key);
    }
    throw new ApiError(e.code || "internal", e.key, +(res.headers.get("Retry-After") || 0), e);
  }

  async call(method: string, path: string, body?: unknown): Promise<any> {
    const res = await this.send(method, path, body);
    let data: any;
    try {
      data = res.status == 204 || res.status == 202 ? {} : await res.json();
    } catch {
      throw new ApiError("network");
    }
    if (data.commenterToken) {
      this.token = data.commenterToken;
      this.onToken?.();
    }
    return data;
  }

  thread(story: string, sort: string, cursor = ""): Promise<Thread> {
    return this.call("GET", `/sites/${enc(this.site)}/stories/${enc(story)}/comments?sort=${enc(sort)}&cursor=${enc(cursor)}`);
  }

  replies(id: string, cursor = ""): Promise<{ comments: Comment[]; nextCursor?: string }> {
    return this.call("GET", `/comments/${enc(id)}/replies?cursor=${enc(cursor)}`);
  }
}

export const enc = encodeURIComponent;

// load and save use localStorage, which a browser may block.
function load(k: string): string | null {
  try {
    return localStorage.getItem(k);
  } catch {
    return null;
  }
}

function save(k: string, v: string | null) {
  try {
    v ? localStorage.setItem(k, v) : localStorage.removeItem(k);
  } catch {}
}
