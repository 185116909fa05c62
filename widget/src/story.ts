// Story IDs for pages that do not name one: a short hash of the canonical
// URL, which always matches ^[A-Za-z0-9][A-Za-z0-9._~:-]{0,127}$.

export function pageURL(): string {
  const link = document.querySelector<HTMLLinkElement>("link[rel=canonical]");
  return link?.href || location.origin + location.pathname;
}

// storyFor hashes url with 32-bit FNV-1a twice (two offsets) for 64 bits,
// written in base 36.
export function storyFor(url: string): string {
  let a = 0x811c9dc5, b = 0x01000193 ^ 0x2545f491;
  for (let i = 0; i < url.length; i++) {
    const c = url.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193);
  }
  const s = (n: number) => (n >>> 0).toString(36).padStart(7, "0");
  return "u" + s(a) + s(b);
}
