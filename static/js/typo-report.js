/* Readers report typos: select text in the article and press Ctrl+Enter (or use the
 * "report a typo" link). The dialog sends the selection, the paragraph around it (at
 * most 1000 characters) and an optional comment.
 *
 * The article page is cached and shared between readers, so it carries no CSRF token:
 * the token is asked of the uncached report endpoint when the dialog opens. Without
 * this script (or without <dialog> support) the link leads to a plain form page.
 * No inline script or handlers anywhere: this file works under a CSP without
 * 'unsafe-inline'. */
(function () {
  "use strict";

  var SELECTION_MAX = 300;
  var CONTEXT_MAX = 1000;
  var BLOCKS = "p, li, blockquote, h1, h2, h3, h4, figcaption, dd, dt, td, th";

  var root = document.querySelector(".typo-report");
  var article = root && root.closest("article");
  if (!root || !article || typeof HTMLDialogElement !== "function") {
    return;
  }
  var dialog = root.querySelector("dialog");
  var form = dialog.querySelector("form");
  var link = root.querySelector(".typo-link");
  var status = form.querySelector(".typo-status");
  var send = form.querySelector(".typo-send");
  var messages = dialog.dataset;
  var token = null;
  var last = null;

  function tidy(text) {
    return text.replace(/\s+/g, " ").trim();
  }

  // The paragraph around the selection, cut to CONTEXT_MAX around the selected text.
  function bounded(paragraph, text) {
    if (paragraph.length <= CONTEXT_MAX) {
      return paragraph;
    }
    var at = Math.max(0, paragraph.indexOf(text.slice(0, 50)));
    var room = CONTEXT_MAX - Math.min(text.length, SELECTION_MAX);
    var start = Math.max(0, Math.min(at - Math.floor(room / 2), paragraph.length - CONTEXT_MAX));
    return paragraph.slice(start, start + CONTEXT_MAX);
  }

  // The current selection, when it lies in the article's text (not in the dialog).
  function selected() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return null;
    }
    var range = selection.getRangeAt(0);
    var common = range.commonAncestorContainer;
    if (!article.contains(common) || root.contains(common)) {
      return null;
    }
    var text = tidy(selection.toString());
    if (!text) {
      return null;
    }
    var start = range.startContainer;
    var element = start.nodeType === Node.ELEMENT_NODE ? start : start.parentElement;
    var block = (element && element.closest(BLOCKS)) || element;
    if (!block || !article.contains(block)) {
      block = article;
    }
    return { text: text, context: bounded(tidy(block.textContent), text) };
  }

  function fetchToken() {
    if (token) {
      return Promise.resolve(token);
    }
    return fetch(form.action, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        token = data.csrf_token;
        return token;
      });
  }

  function open(found) {
    var fields = form.elements;
    fields.selection.value = found ? found.text.slice(0, SELECTION_MAX) : "";
    fields.context.value = found ? found.context : "";
    fields.comment.value = "";
    fields.website.value = "";
    status.textContent = found && found.text.length > SELECTION_MAX ? messages.msgTooLong : "";
    send.disabled = false;
    dialog.showModal();
    (found ? fields.comment : fields.selection).focus();
    fetchToken().catch(function () {
      // Asked again when the report is sent.
    });
  }

  function fail(message) {
    status.textContent = message || messages.msgFailed;
    send.disabled = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!form.reportValidity()) {
      return;
    }
    send.disabled = true;
    status.textContent = messages.msgSending;
    var body = new FormData(form);
    fetchToken()
      .then(function (csrf) {
        return fetch(form.action, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          headers: { Accept: "application/json", "X-CSRFToken": csrf },
        });
      })
      .then(function (response) {
        return response
          .json()
          .catch(function () {
            return {};
          })
          .then(function (data) {
            if (response.ok) {
              status.textContent = data.message || "";
              last = null;
              return;
            }
            if (response.status === 403) {
              token = null; // a stale token: the next try asks for a new one
            }
            fail(data.error);
          });
      })
      .catch(function () {
        fail();
      });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) {
      return;
    }
    if (dialog.open) {
      event.preventDefault();
      if (!send.disabled) {
        form.requestSubmit();
      }
      return;
    }
    var found = selected();
    if (found) {
      event.preventDefault();
      open(found);
    }
  });

  // On touch screens tapping the link may clear the selection: remember the last one.
  document.addEventListener("selectionchange", function () {
    var found = selected();
    if (found) {
      last = found;
    }
  });

  link.addEventListener("click", function (event) {
    event.preventDefault();
    open(selected() || last);
  });

  form.querySelector(".typo-close").addEventListener("click", function () {
    dialog.close();
  });
})();
