// Keeps the session that a sign-in link gave for Parley's own pages (the
// demo page, the moderator UI), which read it from localStorage under
// "parley:session:<site>", as the widget keeps it there. A file, not an inline script, so that the
// page's Content-Security-Policy allows no inline script at all.
(() => {
  const el = document.getElementById("parley-signin");
  if (!el) return;
  try {
    localStorage.setItem("parley:session:" + el.dataset.site, el.dataset.session);
    el.dataset.stored = "true";
  } catch (e) {
    el.dataset.stored = "false"; // storage refused (private mode): the session lasts this page only
  }
})();
