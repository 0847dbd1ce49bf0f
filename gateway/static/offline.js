// The desk when the link drops (with sw.js, which keeps the pages). A page read from what the
// device saved says so. The inbox has its items' pages saved ahead. The forms marked
// data-offline (receive, write a note, send, put in a file) are sent by script with an
// Idempotency-Key; one that cannot reach the office waits on this device (IndexedDB), counted
// in the header, and is sent when the link returns, in the order made, applied once however
// often it is sent. One refused then (moved on meanwhile, no longer yours, logged out) is kept
// with the office's words and what was typed, to copy, try again or discard; it is never
// applied blindly. Without script, or on an address that is not secure (no service worker
// there), the forms post as they always did.
"use strict";
(function () {
  const script = document.currentScript;
  if (!script || !window.isSecureContext || !("indexedDB" in window)) return;
  const settings = JSON.parse(script.dataset.settings);
  const texts = settings.texts;
  const person = settings.person; // whose actions wait here: one login never sends another's
  const main = document.querySelector("main");
  const SEND_WAIT_MS = 20000; // a send not answered by then waits, with its key, to go again
  const RETRY_EVERY_MS = 30000; // a link can return without the browser noticing (the router up)
  const SAID = "eoffice-said"; // what a form sent by script said, shown on the page it led to
  const LOCK = "eoffice-waiting-actions"; // one tab at a time sends what waits

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(settings.worker).catch(() => undefined);
  }

  // --- words and marks -------------------------------------------------------------------------

  function say(text, values) {
    return text.replace(/%\((\w+)\)s/g, (whole, name) => String(values[name]));
  }

  function clock(iso) {
    const at = new Date(iso);
    const two = (n) => String(n).padStart(2, "0");
    const time = two(at.getHours()) + ":" + two(at.getMinutes());
    if (at.toDateString() === new Date().toDateString()) return time;
    return two(at.getDate()) + "-" + two(at.getMonth() + 1) + "-" + at.getFullYear() + " " + time;
  }

  function element(tag, className, text) {
    const made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }

  // A message as the server flashes one: at the top of the page, or just above a form.
  function flash(message, error, above) {
    const said = element("p", error ? "flash error" : "flash", message);
    said.setAttribute("role", "status");
    if (above) above.before(said);
    else main.prepend(said);
    return said;
  }

  const savedAt = document.documentElement.dataset.savedAt;
  if (savedAt) {
    // Its messages were said when it was saved, not now.
    main.querySelectorAll(":scope > .flash").forEach((old) => old.remove());
    const banner = element("p", "offline-banner", say(texts.offline, { time: clock(savedAt) }));
    banner.setAttribute("role", "status");
    main.prepend(banner);
  } else {
    const said = sessionStorage.getItem(SAID);
    if (said) {
      sessionStorage.removeItem(SAID);
      flash(said);
    }
  }
  if (!person) return;

  // The inbox, fresh from the office: its first items' pages are saved while the link holds.
  const items = Array.from(document.querySelectorAll("table.inbox td.number > a"), (a) => a.href);
  if (!savedAt && items.length && "serviceWorker" in navigator) {
    navigator.serviceWorker.ready.then((worker) => worker.active.postMessage({ keep: items }));
  }

  // --- actions waiting on this device (IndexedDB) ----------------------------------------------

  function inStore(mode, work) {
    return new Promise((resolve, reject) => {
      const opening = indexedDB.open("eoffice-desk", 1);
      opening.onupgradeneeded = () =>
        opening.result.createObjectStore("actions", { keyPath: "id", autoIncrement: true });
      opening.onerror = () => reject(opening.error);
      opening.onsuccess = () => {
        const db = opening.result;
        const done = db.transaction("actions", mode);
        const asked = work(done.objectStore("actions"));
        done.oncomplete = () => {
          db.close();
          resolve(asked.result);
        };
        done.onerror = done.onabort = () => {
          db.close();
          reject(done.error);
        };
      };
    });
  }

  // This person's actions, in the order they were made (the store's keys only grow).
  const mine = () =>
    inStore("readonly", (actions) => actions.getAll()).then((all) =>
      all.filter((action) => action.person === person)
    );
  const store = (action) => inStore("readwrite", (actions) => actions.put(action));
  const forget = (action) => inStore("readwrite", (actions) => actions.delete(action.id));

  function labelOf(control) {
    const label = control.labels && control.labels[0];
    if (!label) return "";
    return Array.from(label.childNodes)
      .filter((node) => node.nodeType === Node.TEXT_NODE)
      .map((node) => node.textContent)
      .join(" ")
      .trim();
  }

  function valueOf(control) {
    if (control.tagName === "SELECT") {
      return Array.from(control.selectedOptions)
        .filter((option) => option.value)
        .map((option) => option.textContent.trim())
        .join(", ");
    }
    return control.value.trim();
  }

  function actionOf(form) {
    return {
      person: person,
      kind: form.dataset.offline,
      item: form.dataset.item || "",
      subject: form.dataset.subject || "",
      url: form.action,
      fields: Array.from(new FormData(form)),
      // What the person chose and typed, as they saw it: shown while it waits, to copy.
      shown: Array.from(form.elements)
        .filter((c) => c.name && !["hidden", "submit", "search"].includes(c.type))
        .map((c) => [labelOf(c), valueOf(c)])
        .filter(([, value]) => value),
      key: crypto.randomUUID(),
      made: new Date().toISOString(),
      state: "waiting",
    };
  }

  // --- sending ---------------------------------------------------------------------------------

  let freshToken = ""; // the form's CSRF token may have expired while the action waited

  async function post(action) {
    const body = new FormData();
    for (const [name, value] of action.fields) {
      body.append(name, name === "csrf_token" && freshToken ? freshToken : value);
    }
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), SEND_WAIT_MS);
    try {
      const response = await fetch(action.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        signal: stop.signal,
        headers: { "Idempotency-Key": action.key, Accept: "application/json" },
      });
      const answer = await response.json().catch(() => ({}));
      return { status: response.status, answer: answer };
    } finally {
      clearTimeout(timer);
    }
  }

  const codeOf = (answer) => answer.error && answer.error.code;

  // {sent: the office's answer} or {refused: its words}; throws while the action must wait (the
  // link is down, the office cannot answer now, or the first try of it is still being applied).
  async function deliver(action) {
    let { status, answer } = await post(action);
    if (status === 400 && codeOf(answer) === "CSRF_FAILED") {
      const response = await fetch(settings.token, { credentials: "same-origin", cache: "no-store" });
      freshToken = (await response.json()).csrf_token;
      ({ status, answer } = await post(action));
    }
    if (answer.ok) return { sent: answer };
    const later = status >= 500 || status === 429 || codeOf(answer) === "IDEMPOTENCY_KEY_IN_USE";
    if (later || !answer.error) throw new Error("not now");
    return { refused: answer.error.message };
  }

  // What waits goes, oldest first, until the link fails again; each refusal is kept aside.
  function sendWaiting() {
    if (!navigator.onLine) return Promise.resolve();
    const run = async (free) => {
      if (!free) return; // another tab is sending them
      let sent = 0;
      for (const action of await mine()) {
        if (action.state !== "waiting") continue;
        let outcome;
        try {
          outcome = await deliver(action);
        } catch (notNow) {
          break;
        }
        if (outcome.sent) {
          await forget(action);
          sent += 1;
        } else {
          action.state = "attention";
          action.refusal = outcome.refused;
          await store(action);
        }
      }
      if (sent) flash(say(texts.sent, { n: sent }));
    };
    const sending = navigator.locks
      ? navigator.locks.request(LOCK, { ifAvailable: true }, run)
      : run(true);
    return sending.then(draw, draw);
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.offline) return;
    event.preventDefault();
    submit(form);
  });

  async function submit(form) {
    const action = actionOf(form);
    const buttons = Array.from(form.querySelectorAll("button"));
    buttons.forEach((button) => (button.disabled = true));
    let leaving = false;
    try {
      if (navigator.onLine) {
        try {
          const outcome = await deliver(action);
          if (outcome.sent) {
            sessionStorage.setItem(SAID, outcome.sent.message);
            leaving = true;
            location.assign(outcome.sent.location);
            return;
          }
          flash(outcome.refused, true, form); // what was typed stays in the form
          return;
        } catch (notNow) {
          // the link dropped on the way: kept below, with the same key
        }
      }
      await store(action);
      form.reset();
      flash(texts.queued, false, form);
      await draw();
    } finally {
      if (!leaving) buttons.forEach((button) => (button.disabled = false));
    }
  }

  // --- what waits, in the header and on the page ------------------------------------------------

  function button(text, act) {
    const made = element("button", "secondary", text);
    made.type = "button";
    made.addEventListener("click", act);
    return made;
  }

  function entry(action) {
    const shown = element("li", "offline-action " + action.state);
    const what = element("p", "what");
    const subject = element("span", "subject", action.subject);
    subject.dir = "auto";
    what.append(
      element("strong", "", texts.kinds[action.kind] || action.kind),
      " · ",
      element("bdi", "", action.item),
      " ",
      subject,
      " ",
      element("time", "", say(texts.made, { time: clock(action.made) }))
    );
    shown.append(what);
    if (action.refusal) {
      shown.append(element("p", "flash error", say(texts.refused, { reason: action.refusal })));
    }
    if (action.shown.length) {
      const fields = element("dl", "fields");
      for (const [label, value] of action.shown) {
        const typed = element("dd", "typed", value);
        typed.dir = "auto";
        fields.append(element("dt", "", label), typed);
      }
      shown.append(fields);
    }
    const buttons = element("div", "buttons");
    if (action.state === "attention") {
      const typed = action.shown.map(([, value]) => value).join("\n\n");
      buttons.append(
        button(texts.copy, () => navigator.clipboard.writeText(typed)),
        button(texts.retry, async () => {
          // A new key: the office answers the old one with the same refusal.
          Object.assign(action, { state: "waiting", refusal: "", key: crypto.randomUUID() });
          await store(action);
          await sendWaiting();
        })
      );
    }
    buttons.append(button(texts.discard, () => forget(action).then(draw)));
    shown.append(buttons);
    return shown;
  }

  async function draw() {
    const actions = await mine();
    const groups = [
      ["attention", actions.filter((action) => action.state === "attention")],
      ["waiting", actions.filter((action) => action.state === "waiting")],
    ];
    document.querySelectorAll(".offline-badge, #offline-actions").forEach((old) => old.remove());
    if (!actions.length) return;
    const panel = element("section", "card offline-actions");
    panel.id = "offline-actions";
    const brand = document.querySelector("header .brand");
    for (const [state, group] of groups.reverse()) {
      if (!group.length) continue;
      const count = say(texts[state], { n: group.length });
      const badge = element("a", "offline-badge " + state, count);
      badge.href = "#offline-actions";
      brand.after(badge);
      const list = element("ul");
      group.forEach((action) => list.append(entry(action)));
      panel.prepend(element("h2", state, count), list);
    }
    const below = Array.from(main.children).find((c) => !c.matches(".flash, .offline-banner"));
    main.insertBefore(panel, below || null);
  }

  window.addEventListener("online", sendWaiting);
  setInterval(sendWaiting, RETRY_EVERY_MS);
  draw().then(sendWaiting);
})();
