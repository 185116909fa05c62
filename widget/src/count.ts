// <parley-count>: a localized comment count for article lists. Every count
// element connected in the same task is filled by one request per site
// (per 100 stories).
import { enc } from "./api";
import { I18n, pickLang } from "./i18n";
import { pageURL, storyFor } from "./story";

export function countElement(base: string): CustomElementConstructor {
  let queue = new Map<string, HTMLElement[]>();
  let timer = 0;

  const flush = () => {
    const q = queue;
    queue = new Map();
    timer = 0;
    q.forEach((els, site) => {
      const ids = [...new Set(els.map(storyOf))];
      for (let k = 0; k < ids.length; k += 100) fetchCounts(base, site, ids.slice(k, k + 100), els);
    });
  };

  return class extends HTMLElement {
    connectedCallback() {
      const site = this.getAttribute("site") || "";
      queue.set(site, [...(queue.get(site) || []), this]);
      timer ||= setTimeout(flush) as any;
    }
  };
}

const storyOf = (el: Element) => el.getAttribute("story") || storyFor(el.getAttribute("url") || pageURL());

async function fetchCounts(base: string, site: string, ids: string[], els: HTMLElement[]) {
  try {
    const res = await fetch(`${base}/api/v1/sites/${enc(site)}/counts?` + ids.map((s) => "story=" + enc(s)).join("&"));
    const { counts } = await res.json();
    for (const el of els) {
      const n = counts[storyOf(el)];
      if (n != null) el.textContent = new I18n(pickLang(el, el.getAttribute("lang"))).n("comments.count", n);
    }
  } catch {
    // counts are decoration: leave the element's own content
  }
}
