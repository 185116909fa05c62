// Parley's OIDC sign-in popup: hands the result that the page carries as
// JSON data to the window that opened it, on that window's origin alone
// (the server names it; never "*"), and closes once signed in. A refusal
// stays open, so that the reader can read what happened.
(() => {
  const el = document.getElementById("parley-signin");
  let data;
  try {
    data = JSON.parse(el.textContent);
  } catch {
    return;
  }
  if (!data.origin || !data.message || !window.opener) {
    return;
  }
  window.opener.postMessage(data.message, data.origin);
  if (!data.message.error) {
    window.close();
  }
})();
