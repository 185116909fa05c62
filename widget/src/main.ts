// embed.js: defines <parley-discussion> and <parley-count>. The API is
// the origin this script was loaded from.
import { countElement } from "./count";
import { Discussion } from "./discussion";

const src = (document.currentScript as HTMLScriptElement | null)?.src || document.querySelector<HTMLScriptElement>('script[src$="embed.js"]')?.src;
const origin = new URL(src || location.href).origin;

if (!customElements.get("parley-discussion")) {
  customElements.define("parley-discussion", class extends Discussion {
    base = origin;
  });
  customElements.define("parley-count", countElement(origin));
}
