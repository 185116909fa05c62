// The JSON API client. Every failure becomes an ApiError naming the
// catalog message to show, so callers never display raw server text.
import type { Comment, Thread } from "./types";

export class ApiError extends Error {
  constructor(readonly code: string, readonly key = "") {
    super(code);
  }
}

export class Api {
  onToken?: () => void;

  constructor(readonly base: string, readonly site: string) {}

  private get slot() {
    return "parley:token:" + this.site;
  }

  // token is the stored commenter token; storage may be blocked.
  get token(): string | null {
    try {
      return localStorage.getItem(this.slot);
    } catch {
      return null;
    }
  }

  set token(v: string | null) {
    try {
      if (v) localStorage.setItem(this.slot, v);
      else localStorage.removeItem(this.slot);
    } catch {}
  }

  async call(method: string, path: string, body?: unknown): Promise<any> {
    const headers: Record<string, string> = {};
    const token = this.token;
    if (token) headers.Authorization = "Bearer " + token;
    if (body) headers["Content-Type"] = "application/json";
    let res: Response, data: any;
    try {
      // no-cache: revalidate by ETag every time; the thread's
      // stale-while-revalidate is meant for shared caches, not readers
      res = await fetch(this.base + "/api/v1" + path, { method, headers, body: body ? JSON.stringify(body) : undefined, cache: "no-cache" });
      data = res.status == 204 ? {} : await res.json();
    } catch {
      throw new ApiError("network");
    }
    if (!res.ok) {
      const e = data?.error || {};
      throw new ApiError(e.code || "internal", e.key);
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
