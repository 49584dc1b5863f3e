/* The analytics banner (templates/analytics/banner.html), improved when JavaScript runs:
   the answer is posted in the background, so a form the visitor has begun to fill in stays
   as it is. Without JavaScript the same form posts and the server brings the visitor back.
   On "accept" the tag is loaded the way the server would render it on the next page. */
(function () {
  "use strict";
  var banner = document.querySelector("[data-analytics-banner]");
  var form = banner && banner.querySelector("form");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var clicked = null;
  var pending = false;
  var ordinary = false;

  form.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[name=choice]");
    if (button) {
      clicked = button;
    }
  });

  form.addEventListener("submit", function (event) {
    var button = event.submitter || clicked;
    if (ordinary || !button) {
      return;
    }
    event.preventDefault();
    if (pending) {
      return;
    }
    pending = true;
    var data = new FormData(form);
    data.set("choice", button.value);
    // The server answers a redirect; reaching it means the cookie is set.
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      redirect: "manual"
    }).then(function (response) {
      if (response.type !== "opaqueredirect" && !response.ok) {
        throw new Error("not saved: " + response.status);
      }
      saved(button.value);
    }).catch(function () {
      // An expired page, say: the ordinary post lets the server explain itself.
      ordinary = true;
      button.click();
    });
  });

  function saved(choice) {
    var message = banner.querySelector('[data-analytics-saved="' + choice + '"]');
    banner.querySelector("[data-analytics-question]").hidden = true;
    message.hidden = false;
    message.focus();
    if (choice === "granted") {
      var script = document.createElement("script");
      script.src = banner.getAttribute("data-metrika-src");
      script.setAttribute("data-counter", banner.getAttribute("data-counter"));
      script.setAttribute("data-webvisor", banner.getAttribute("data-webvisor"));
      document.head.appendChild(script);
    }
  }
})();
