// The booking page's lookup: what is typed in "Plate or phone" is looked up as it is typed (no page
// load), and the answer's radios decide which of the newcomer's sections show. The server decides
// everything again on save; this only spares a page load per step.
(function () {
  "use strict";
  var form = document.querySelector("form.booking");
  if (!form) { return; }
  var box = form.querySelector("[name=lookup]");
  var result = document.getElementById("lookup-result");
  var newClient = document.getElementById("new-client");
  var newCar = document.getElementById("new-car");
  var mileage = form.querySelector("[name=mileage]");
  var timer = null;
  var asked = "";

  function picked() {
    var radio = form.querySelector("input[name=pick]:checked");
    return radio ? radio.value : "";
  }

  function fillIfEmpty(name, value) {
    var input = form.querySelector("[name='" + name + "']");
    if (input && value && !input.value) { input.value = value; }
  }

  function showSections() {
    var value = picked();
    newClient.hidden = value !== "new";
    newCar.hidden = !(value === "new" || value.indexOf("client:") === 0);
    var radio = form.querySelector("input[name=pick]:checked");
    if (radio && radio.hasAttribute("data-mileage") && mileage) {
      mileage.value = radio.getAttribute("data-mileage");
    }
    var answer = result.querySelector(".lookup-answer");
    if (answer && !newCar.hidden) { fillIfEmpty("car-license_plate", answer.getAttribute("data-plate")); }
    if (answer && !newClient.hidden) { fillIfEmpty("client-phone", answer.getAttribute("data-phone")); }
  }

  function lookUp() {
    var term = box.value.trim();
    if (term === asked) { return; }
    asked = term;
    // POST, not ?q=: a phone number typed here stays out of URLs (history, proxies' logs).
    var body = new FormData();
    body.append("q", term);
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    fetch(form.getAttribute("data-lookup-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": token ? token.value : ""}
    })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        if (term !== asked) { return; }  // an older answer arriving after a newer one
        result.innerHTML = html;
        showSections();
      })
      .catch(function () {
        result.textContent = "The lookup did not answer; save to check the plate or phone on the server.";
      });
  }

  box.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(lookUp, 250);
  });
  box.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {  // Enter in the lookup box looks up; it does not save the booking
      event.preventDefault();
      window.clearTimeout(timer);
      lookUp();
    }
  });
  result.addEventListener("change", showSections);
  asked = box.value.trim();
})();
