// Hindi typing in every text box, with nothing to install. Three modes, cycled by Ctrl+Space
// or the button in the header (a phone has no Ctrl): off; phonetic, where roman letters
// become Devanagari as they are typed (Sanscript's OPTITRANS: "namaste" → नमस्ते) with a few
// other spellings to choose from (arrow keys and Enter, 1–9, or a tap; Esc keeps the roman);
// and InScript, the standard Devanagari keyboard for trained typists. The mode is the
// person's: saved with identity (the page says what it is) and on this device, so a page
// read offline types as its person left it and a change made offline is saved later.
// Passwords, numbers, emails, dates and logins are never touched.
"use strict";
(function () {
  const script = document.currentScript;
  const Sanscript = window.Sanscript;
  if (!script || !Sanscript) return;
  const settings = JSON.parse(script.dataset.settings);
  const texts = settings.texts;
  const MODES = ["off", "phonetic", "inscript"];
  const KEPT = "eoffice-typing"; // localStorage: {person, mode, unsaved}
  const MOST_SUGGESTIONS = 6;

  // --- InScript: the standard's key table (IS 13194), by the character a US keyboard gives.
  // Shift+3…8 give the standard's conjuncts; the digits give Devanagari digits, as the standard
  // says (Ctrl+Space off for ASCII digits).
  const INSCRIPT = {
    "`": "ॊ", "~": "ऒ", 1: "१", 2: "२", 3: "३", 4: "४", 5: "५", 6: "६", 7: "७", 8: "८", 9: "९",
    0: "०", "!": "ऍ", "@": "ॅ", "#": "्र", $: "र्", "%": "ज्ञ", "^": "त्र", "&": "क्ष", "*": "श्र",
    _: "ः", "=": "ृ", "+": "ऋ",
    q: "ौ", w: "ै", e: "ा", r: "ी", t: "ू", y: "ब", u: "ह", i: "ग", o: "द", p: "ज", "[": "ड",
    "]": "़", "\\": "ॉ",
    Q: "औ", W: "ऐ", E: "आ", R: "ई", T: "ऊ", Y: "भ", U: "ङ", I: "घ", O: "ध", P: "झ", "{": "ढ",
    "}": "ञ", "|": "ऑ",
    a: "ो", s: "े", d: "्", f: "ि", g: "ु", h: "प", j: "र", k: "क", l: "त", ";": "च", "'": "ट",
    A: "ओ", S: "ए", D: "अ", F: "इ", G: "उ", H: "फ", J: "ऱ", K: "ख", L: "थ", ":": "छ", '"': "ठ",
    z: "ॆ", x: "ं", c: "म", v: "न", b: "व", n: "ल", m: "स", "/": "य",
    Z: "ऎ", X: "ँ", C: "ण", V: "ऩ", B: "ऴ", N: "ळ", M: "श", "<": "ष", ">": "।", "?": "य़",
  };

  // --- phonetic: the word as typed, then the spellings a writer most often meant instead ----

  const VIRAMA = "\u094d";

  // Hindi drops the last consonant's inherent vowel (ghar is घर, not घर्).
  function devanagari(roman) {
    const word = Sanscript.t(roman, "optitrans", "devanagari");
    return word.endsWith(VIRAMA) ? word.slice(0, -1) : word;
  }

  // One-letter-sound changes, tried in this order: vowel length, a nasal written as anusvara
  // (हिन्दी → हिंदी, मैन → मैं), aspirated or not, retroflex or dental, ś/ṣ/s.
  const twice = (letter) => letter + letter;
  const CHANGES = [
    [/(?<![aeiou])[iu](?![aeiou])/g, twice],
    [/(?<![aeiou])a(?![aiu])/g, twice],
    [/([aiu])\1/g, (long) => long[0]],
    [/ee|oo/g, (long) => long[0]],
    [/n(?=[^aeiouyh])|(?<=[aeiou])n$/g, () => "M"],
    [/[kgjtdpbTD](?!h)/g, (plain) => plain + "h"],
    [/[kgjtdpbTD]h/g, (aspirate) => aspirate[0]],
    [/ch/g, () => "Ch"],
    [/Ch/g, () => "ch"],
    [/[td](?!h)/g, (dental) => dental.toUpperCase()],
    [/n(?=[TD])/g, () => "N"],
    [/sh/g, () => "Sh"],
    [/s(?!h)/g, () => "sh"],
  ];

  // Every string that differs from one of ``romans`` by one change at one place, change by
  // change.
  function oneChangeFrom(romans) {
    const found = [];
    for (const [pattern, change] of CHANGES) {
      for (const roman of romans) {
        const places = (roman.match(pattern) || []).length;
        for (let place = 0; place < places; place++) {
          let seen = 0;
          found.push(roman.replace(pattern, (text) => (seen++ === place ? change(text) : text)));
        }
      }
    }
    return found;
  }

  // The word as typed first, then others a change away, of it and of it with its last vowel
  // long (Hindi ends many words on ī and ā), and last the roman as typed, for an English word.
  function suggestions(roman) {
    const romans = [roman, roman.replace(/(?<![aeiou])([aiu])$/, "$1$1")];
    const words = [...new Set(romans.concat(oneChangeFrom(romans)).map(devanagari))];
    return words.slice(0, MOST_SUGGESTIONS).concat(roman);
  }

  // --- the mode: this person's, kept on the device too --------------------------------------

  function kept() {
    try {
      return JSON.parse(localStorage.getItem(KEPT)) || {};
    } catch (unreadable) {
      return {};
    }
  }

  function keep(mode, unsaved) {
    try {
      localStorage.setItem(KEPT, JSON.stringify({ person: settings.person, mode, unsaved }));
    } catch (full) {
      // private browsing: the server still remembers it
    }
  }

  async function save(mode) {
    if (!settings.person) return;
    try {
      const token = await fetch(settings.token, { credentials: "same-origin", cache: "no-store" });
      const form = new FormData();
      form.append("mode", mode);
      form.append("csrf_token", (await token.json()).csrf_token);
      const answer = await fetch(settings.save, {
        method: "POST",
        body: form,
        credentials: "same-origin",
      });
      // Logged out meanwhile, the answer is the login page: not saved.
      if (answer.ok && !answer.redirected && kept().mode === mode) keep(mode, false);
    } catch (linkDown) {
      // kept as unsaved: sent when the link returns
    }
  }

  function firstMode() {
    const device = kept();
    const known = MODES.includes(device.mode);
    const offline = document.documentElement.dataset.savedAt; // a page saved earlier (sw.js)
    if (!settings.person) return known ? device.mode : "off";
    if (known && device.person === settings.person && (device.unsaved || offline)) {
      if (device.unsaved) save(device.mode);
      return device.mode;
    }
    keep(settings.mode, false);
    return settings.mode;
  }

  let mode = firstMode();

  function choose(next) {
    finish();
    mode = next;
    keep(mode, true);
    save(mode);
    showMode();
  }

  window.addEventListener("online", () => {
    if (kept().unsaved) save(kept().mode);
  });

  // --- which boxes: text and search boxes and textareas, never logins or codes --------------

  const NOT_WORDS = /username|one-time-code|email|tel|url/; // autocomplete
  const NOT_WORD_KEYS = /numeric|decimal|email|tel|url/; // inputmode

  function typable(field) {
    if (!field || field.readOnly || field.disabled || field.dataset.typing === "off") return false;
    if (field.tagName === "TEXTAREA") return true;
    if (field.tagName !== "INPUT" || !["text", "search"].includes(field.type)) return false;
    return !NOT_WORDS.test(field.autocomplete) && !NOT_WORD_KEYS.test(field.inputMode);
  }

  // --- what is shown: the mode in the header and by the box, and the suggestions -----------

  function element(tag, className, text) {
    const made = document.createElement(tag);
    made.className = className;
    if (text) made.textContent = text;
    return made;
  }

  const headerButton = element("button", "typing-mode");
  headerButton.type = "button";
  headerButton.title = texts.change;
  headerButton.addEventListener("pointerdown", (event) => event.preventDefault()); // keeps the box
  headerButton.addEventListener("click", cycle);
  const brand = document.querySelector("header .brand");
  if (brand) brand.after(headerButton);

  const badge = element("button", "typing-badge");
  badge.type = "button";
  badge.title = texts.change;
  badge.hidden = true;
  badge.addEventListener("pointerdown", (event) => event.preventDefault()); // the box keeps focus
  badge.addEventListener("click", cycle);

  const list = element("ol", "typing-suggestions");
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", texts.suggestions);
  list.hidden = true;
  document.body.append(badge, list);

  function cycle() {
    choose(MODES[(MODES.indexOf(mode) + 1) % MODES.length]);
  }

  function showMode() {
    headerButton.textContent = texts.modes[mode];
    headerButton.dataset.mode = mode;
    badge.textContent = texts.modes[mode];
    badge.dataset.mode = mode;
    const field = document.activeElement;
    badge.hidden = mode === "off" || !typable(field);
    if (!badge.hidden) place(badge, field, "corner");
  }

  // Fixed to the window by the box: its top right corner, or just below it, on the screen.
  function place(shown, field, where) {
    const box = field.getBoundingClientRect();
    const height = shown.offsetHeight;
    const top = where === "corner" ? box.top - height : box.bottom;
    shown.style.top = Math.max(0, Math.min(top, window.innerHeight - height)) + "px";
    const left = where === "corner" ? box.right - shown.offsetWidth : box.left;
    shown.style.left = Math.max(0, Math.min(left, window.innerWidth - shown.offsetWidth)) + "px";
  }

  // --- the word being written in phonetic mode ----------------------------------------------

  let word = null; // {field, start, roman, shown, choices, chosen}

  function put(field, from, to, text) {
    field.setRangeText(text, from, to, "end");
    field.dispatchEvent(new Event("input", { bubbles: true })); // others listen (office.js)
  }

  function show(choice) {
    const end = word.start + word.shown.length;
    word.chosen = choice;
    word.shown = word.choices[choice];
    put(word.field, word.start, end, word.shown);
    list.replaceChildren(
      ...word.choices.map((text, i) => {
        const option = element("li", i === choice ? "chosen" : "", text);
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", String(i === choice));
        option.addEventListener("pointerdown", (event) => event.preventDefault());
        option.addEventListener("click", () => pick(i));
        return option;
      })
    );
    list.hidden = false;
    place(list, word.field, "below");
  }

  function spell(roman) {
    word.roman = roman;
    word.choices = suggestions(roman);
    show(0);
  }

  function pick(choice) {
    show(choice);
    finish();
  }

  function finish() {
    word = null;
    list.hidden = true;
  }

  function writing(field) {
    const at = field.selectionStart;
    const end = word && word.start + word.shown.length;
    return word && word.field === field && at === field.selectionEnd && at === end;
  }

  function phonetic(event, field) {
    const letter = event.inputType === "insertText" && /^[A-Za-z]$/.test(event.data || "");
    if (letter) {
      event.preventDefault();
      if (writing(field)) return spell(word.roman + event.data);
      finish();
      put(field, field.selectionStart, field.selectionEnd, "");
      word = { field, start: field.selectionStart, roman: "", shown: "" };
      return spell(event.data);
    }
    if (event.inputType === "deleteContentBackward" && writing(field)) {
      event.preventDefault();
      if (word.roman.length > 1) return spell(word.roman.slice(0, -1));
      put(field, word.start, word.start + word.shown.length, "");
      return finish();
    }
    finish(); // a space, a full stop, a paste: the word stays as shown
  }

  function inscript(event, field) {
    const letter = event.inputType === "insertText" && INSCRIPT[event.data];
    if (!letter) return;
    event.preventDefault();
    put(field, field.selectionStart, field.selectionEnd, letter);
  }

  document.addEventListener("beforeinput", (event) => {
    const field = event.target;
    if (mode === "off" || !typable(field) || event.isComposing) return;
    if (mode === "phonetic") phonetic(event, field);
    else inscript(event, field);
  });

  // A phone's keyboard that composes a whole word gives it at once: spelt when it is done.
  document.addEventListener("compositionend", (event) => {
    const field = event.target;
    if (mode !== "phonetic" || !typable(field) || !/^[A-Za-z]+$/.test(event.data || "")) return;
    const end = field.selectionStart;
    if (field.value.slice(end - event.data.length, end) !== event.data) return;
    word = { field, start: end - event.data.length, roman: "", shown: event.data };
    spell(event.data);
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey && (event.code === "Space" || event.key === " ")) {
      event.preventDefault();
      return cycle();
    }
    if (!word || event.target !== word.field || event.isComposing) return;
    const count = word.choices.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      show((word.chosen + (event.key === "ArrowDown" ? 1 : count - 1)) % count);
    } else if (/^[1-9]$/.test(event.key) && Number(event.key) <= count) {
      event.preventDefault();
      pick(Number(event.key) - 1);
    } else if (event.key === "Enter") {
      event.preventDefault(); // the word is chosen; the form is not sent
      finish();
    } else if (event.key === "Escape") {
      event.preventDefault();
      pick(count - 1);
    } else if (!/^.$|Backspace|Shift/.test(event.key)) {
      finish(); // the caret moves (arrows, Home, Tab): the word stays as shown
    }
  });

  document.addEventListener("focusin", showMode);
  document.addEventListener("focusout", () => {
    finish();
    badge.hidden = true;
  });
  document.addEventListener("pointerdown", (event) => {
    if (word && event.target === word.field) finish(); // the caret moves by a click or tap
  });
  window.addEventListener("resize", showMode);
  window.addEventListener("scroll", () => {
    showMode();
    if (word) place(list, word.field, "below");
  }, true);

  showMode();
})();
