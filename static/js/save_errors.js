/* A save that fails is shown, never hidden (issue 19).
 *
 * htmx swaps only successful responses: a save answered with an error status (a server error, a
 * locked database, a lost session) or never answered (the network) would otherwise leave the
 * page as it was, stale figures included, with no word. Every such failure shows the translated
 * alert that base.html carries (#save-error) and marks the control that sent it as invalid.
 * No inline script: the content security policy forbids it.
 */
(function () {
  "use strict";

  // The control the person changed (the vote box), else the element that sent the request.
  function sourceOf(event) {
    const detail = event.detail || {};
    const trigger = detail.requestConfig && detail.requestConfig.triggeringEvent;
    if (trigger && trigger.target && trigger.target.classList) {
      return trigger.target;
    }
    return detail.elt;
  }

  function show(event) {
    const alert = document.getElementById("save-error");
    if (alert) {
      alert.classList.remove("d-none"); // role="alert": announced without taking the focus
    }
    const source = sourceOf(event);
    if (source && source.classList) {
      source.classList.add("is-invalid");
      source.setAttribute("aria-invalid", "true");
    }
  }

  function clear(event) {
    const source = sourceOf(event);
    if (source && source.classList && event.detail.successful) {
      source.classList.remove("is-invalid");
      source.removeAttribute("aria-invalid");
    }
  }

  document.addEventListener("htmx:responseError", show);
  document.addEventListener("htmx:sendError", show);
  document.addEventListener("htmx:afterRequest", clear);
})();
