/* Yandex Metrica, on pages of visitors who accepted analytics (templates/base.html renders
   this tag only then). The Content-Security-Policy allows no inline script, so the counter
   number and the Session Replay switch come from this tag's data- attributes. The only calls
   are "init" and a goal without parameters: never params or userParams, nothing about the
   visitor beyond what the tag itself collects. */
(function () {
  "use strict";
  var script = document.currentScript;
  var counter = script && Number(script.getAttribute("data-counter"));
  if (!counter) {
    return;
  }

  // Yandex's own loader, unchanged: calls queue in ym.a until tag.js has loaded.
  (function (m, e, t, r, i, k, a) {
    m[i] = m[i] || function () { (m[i].a = m[i].a || []).push(arguments); };
    m[i].l = 1 * new Date();
    for (var j = 0; j < document.scripts.length; j++) {
      if (document.scripts[j].src === r) { return; }
    }
    k = e.createElement(t), a = e.getElementsByTagName(t)[0], k.async = 1, k.src = r,
    a.parentNode.insertBefore(k, a);
  })(window, document, "script", "https://mc.yandex.ru/metrika/tag.js", "ym");

  var body = document.body;
  // A page whose address carries an identifier (the receipt's reference) names a neutral
  // address instead (data-metrika-url on <body>): the tag then reports only that one.
  var neutralUrl = body && body.getAttribute("data-metrika-url");
  var options = {
    clickmap: true,
    trackLinks: true,
    accurateTrackBounce: true,
    webvisor: script.getAttribute("data-webvisor") === "true"
  };
  if (neutralUrl) {
    options.defer = true;
  }
  window.ym(counter, "init", options);
  if (neutralUrl) {
    window.ym(counter, "hit", location.origin + neutralUrl, { referer: document.referrer });
  }

  // The thank-you page names its goal (data-metrika-goal on <body>); no goal parameters.
  var goal = body && body.getAttribute("data-metrika-goal");
  if (goal) {
    window.ym(counter, "reachGoal", goal);
  }
})();
