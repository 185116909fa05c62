// Messages from the Go catalogs (catalog.gen.ts) and Intl formatting in
// the block's language.
import { KEYS, LANGS } from "./catalog.gen";

// pickLang: the lang attribute, the nearest ancestor's, the document's,
// else English; reduced to a language we ship.
export function pickLang(el: Element, given?: string | null): string {
  const tag = given || el.closest("[lang]")?.getAttribute("lang") || document.documentElement.lang || "en";
  const base = tag.toLowerCase().split(/[-_]/)[0];
  return LANGS[base] ? base : "en";
}

export class I18n {
  private m: Record<string, string> = {};
  constructor(readonly lang: string) {
    KEYS.forEach((k, i) => (this.m[k] = LANGS[lang][i]));
  }

  // add learns more messages: those of the account bundle.
  add(keys: string[], msgs: string[] = []) {
    keys.forEach((k, j) => (this.m[k] = msgs[j]));
  }

  has(key: string) {
    return key in this.m;
  }

  t(key: string, arg = ""): string {
    return (this.m[key] ?? key).replace("%s", arg);
  }

  num(n: number) {
    return new Intl.NumberFormat(this.lang).format(n);
  }

  // n picks key.one or key.other: French uses "one" for 0 and 1 as the Go
  // printer does, the others for 1 alone.
  n(key: string, n: number) {
    const one = this.lang == "fr" ? n < 2 : n == 1;
    return this.t(key + (one ? ".one" : ".other")).replace("%d", this.num(n));
  }

  date(iso: string) {
    return new Intl.DateTimeFormat(this.lang, { dateStyle: "long", timeStyle: "short" }).format(new Date(iso));
  }

  // rel is "just now", "5 minutes ago", "yesterday" … in the language.
  rel(iso: string) {
    let s = (new Date(iso).getTime() - Date.now()) / 1000;
    if (s > -45) return this.t("comment.justNow");
    const f = new Intl.RelativeTimeFormat(this.lang, { numeric: "auto" });
    const steps: [number, Intl.RelativeTimeFormatUnit][] = [[60, "second"], [60, "minute"], [24, "hour"], [7, "day"], [4.35, "week"], [12, "month"]];
    for (const [size, unit] of steps) {
      if (Math.abs(s) < size) return f.format(Math.round(s), unit);
      s /= size;
    }
    return f.format(Math.round(s), "year");
  }
}
