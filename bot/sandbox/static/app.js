// The sandbox page: three phones drawn from /api/state, polled; every action is one POST.
"use strict";
let pageLang = localStorage.getItem("sandbox-lang") || "en";
let state = null;
let lastJson = "";
let seenAnswers = -1;
const holder = {};       // phone -> the person holding it
const topicOf = {};      // the desk phone's open topic (null: General)
const PHONES = {client: ["client"], master: ["master"], desk: ["manager", "stranger"]};
let WORDS = {en: {}};  // the page's labels and language names: words.json, loaded by setup()
let LANGS = {en: "English"};

const t = (key) => (WORDS[pageLang] || WORDS.en)[key] || WORDS.en[key] || key;
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));

function langOptions(select, value) {
  select.innerHTML = Object.entries(LANGS).map(([code, name]) =>
    `<option value="${code}"${code === value ? " selected" : ""}>${name}</option>`).join("");
}

function translatePage() {
  document.documentElement.lang = pageLang;
  document.querySelectorAll("[data-t]").forEach((el) => { el.textContent = t(el.dataset.t); });
}

async function post(action, body) {
  const r = await fetch(`/api/${action}`, {method: "POST", headers: {"Content-Type": "application/json"},
                                          body: JSON.stringify(body)});
  const out = await r.json();
  if (!out.ok) toast(out.error, false, true);
  await refresh();
  return out;
}

function toast(text, alert, error) {
  const box = document.createElement("div");
  box.className = "toast" + (alert ? " alert" : "") + (error ? " error" : "");
  box.dataset.testid = "toast";
  box.textContent = text;
  document.getElementById("toasts").appendChild(box);
  setTimeout(() => box.remove(), alert ? 6000 : 3000);
}

// Telegram's entities (UTF-16 offsets, like JavaScript strings) as HTML.
function entityTag(e, open) {
  const simple = {bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code", pre: "pre",
                  blockquote: "blockquote", expandable_blockquote: "blockquote"};
  if (simple[e.type]) return open ? `<${simple[e.type]}>` : `</${simple[e.type]}>`;
  if (e.type === "spoiler") return open ? '<span class="spoiler">' : "</span>";
  if (e.type === "text_link" && /^(https?|tg):/i.test(e.url || ""))
    return open ? `<a href="${esc(e.url)}" target="_blank" rel="noopener">` : "</a>";
  return open ? "<span>" : "</span>";
}

function formatted(text, entities) {
  if (!text) return "";
  const opens = {}, closes = {};
  for (const e of entities || []) {
    (opens[e.offset] = opens[e.offset] || []).push(e);
    (closes[e.offset + e.length] = closes[e.offset + e.length] || []).push(e);
  }
  let out = "";
  const stack = [];
  for (let i = 0; i <= text.length; i++) {
    const ending = closes[i] || [];
    while (stack.length && ending.includes(stack[stack.length - 1])) out += entityTag(stack.pop(), false);
    for (const e of (opens[i] || []).sort((a, b) => b.length - a.length)) { stack.push(e); out += entityTag(e, true); }
    if (i < text.length) out += esc(text[i]);
  }
  while (stack.length) out += entityTag(stack.pop(), false);
  return out;
}

function inlineKeyboard(msg, chat) {
  const rows = (msg.markup && msg.markup.inline_keyboard) || [];
  if (!rows.length) return "";
  return '<div class="inline">' + rows.map((row) => '<div class="row">' + row.map((b) => {
    if (b.url) return `<a href="${esc(b.url)}" target="_blank" rel="noopener">${esc(b.text)} ↗</a>`;
    return `<button data-press="${esc(b.callback_data || "")}" data-message="${msg.id}" data-chat="${chat}">${esc(b.text)}</button>`;
  }).join("") + "</div>").join("") + "</div>";
}

function bubble(msg, me, chat) {
  if (msg.service) {
    const name = msg.service.name ? `: ${esc(msg.service.name)}` : "";
    return `<div class="service">${esc(msg.service.kind.replaceAll("_", " "))}${name}</div>`;
  }
  const mine = !msg.from_bot && msg.sender_id === me;
  let body = "";
  if (!mine && (chat === "desk" || msg.from_bot)) body += `<div class="who">${esc(msg.sender)}</div>`;
  const photos = msg.photos || (msg.photo ? [msg.photo] : []);
  if (photos.length) {
    body += `<div class="album${photos.length > 1 ? " many" : ""}" data-testid="photos">` + photos.map((p) =>
      `<img src="/file/${encodeURIComponent(p)}" alt="photo">`).join("") + "</div>";
  }
  if (msg.document) body += `<div>📄 ${esc(msg.document)}</div>`;
  if (msg.location) body += `<div>📍 ${msg.location.latitude.toFixed(4)}, ${msg.location.longitude.toFixed(4)}</div>`;
  if (msg.contact) body += `<div>👤 ${esc(msg.contact.first_name)} ${esc(msg.contact.phone_number)}</div>`;
  body += `<div class="text">${formatted(msg.text, msg.entities)}</div>`;
  body += inlineKeyboard(msg, chat);
  const time = new Date(msg.date * 1000).toISOString().slice(11, 16);
  body += `<div class="meta">${msg.edited ? t("edited") + " · " : ""}${time}</div>`;
  return `<div class="msg${mine ? " mine" : ""}" data-testid="message" data-id="${msg.id}">${body}</div>`;
}

// Telegram shows an album (messages sharing a media_group_id) as one bubble of photos with
// the caption of whichever part has one.
function albums(messages) {
  const out = [];
  for (const m of messages) {
    const last = out[out.length - 1];
    if (m.album && last && last.album === m.album && m.photo) {
      last.photos.push(m.photo);
      if (!last.text && m.text) { last.text = m.text; last.entities = m.entities; }
      continue;
    }
    out.push(m.album && m.photo ? {...m, photos: [m.photo]} : m);
  }
  return out;
}

function replyKeyboard(messages) {
  let markup = null;
  let shownAt = -1;
  messages.forEach((m, i) => {
    if (m.from_bot && m.markup && m.markup.keyboard) { markup = m.markup; shownAt = i; }
    if (m.from_bot && m.markup && m.markup.remove_keyboard) markup = null;
  });
  if (markup && markup.one_time_keyboard && messages.slice(shownAt + 1).some((m) => !m.from_bot)) markup = null;
  if (!markup) return "";
  return '<div class="replykb" data-testid="reply-keyboard">' + markup.keyboard.map((row) => '<div class="row">' + row.map((b) => {
    const button = typeof b === "string" ? {text: b} : b;
    const kind = button.request_contact ? "contact" : button.request_location ? "location" : "send";
    const icon = kind === "contact" ? "👤 " : kind === "location" ? "📍 " : "";
    return `<button data-reply="${kind}" data-text="${esc(button.text)}">${icon}${esc(button.text)}</button>`;
  }).join("") + "</div>").join("") + "</div>";
}

function people(phone) {
  return state.people.filter((p) => p.phone === phone);
}

function drawPhone(section) {
  const phone = section.dataset.phone;
  const mine = people(phone);
  if (!holder[phone] || !mine.some((p) => p.id === holder[phone])) holder[phone] = mine.length ? mine[0].id : null;
  const person = mine.find((p) => p.id === holder[phone]);
  if (!section.querySelector("header")) buildPhone(section, phone);
  const who = section.querySelector("select.who");
  who.innerHTML = mine.map((p) => `<option value="${p.id}"${p.id === holder[phone] ? " selected" : ""}>${esc(p.name)} (${esc(t(p.role))})</option>`).join("");
  const lang = section.querySelector("select.lang");
  if (person && document.activeElement !== lang) langOptions(lang, person.language);
  section.querySelector(".title").textContent = phone === "desk" ? `${t("desk")}` : `@${state.bot}`;
  let messages = [];
  const topics = section.querySelector(".topics");
  if (phone === "desk") {
    const open = topicOf.desk === undefined ? null : topicOf.desk;
    topics.innerHTML = [`<button data-topic="" class="${open === null ? "on" : ""}">${esc(t("general"))}</button>`]
      .concat(state.topics.map((tp) => `<button data-topic="${tp.id}" data-testid="topic" class="${tp.id === open ? "on" : ""}${tp.closed ? " closed" : ""}">${esc(tp.name)}</button>`)).join("");
    messages = state.desk.filter((m) => (m.thread || null) === open);
  } else if (person) {
    messages = state.chats[String(person.id)] || [];
  }
  const chat = section.querySelector(".chat");
  const atBottom = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 40;
  chat.innerHTML = messages.length ? albums(messages).map((m) => bubble(m, holder[phone], phone === "desk" ? "desk" : "private")).join("")
    : `<div class="service">${esc(t("empty"))}</div>`;
  if (atBottom || section.dataset.fresh !== "no") chat.scrollTop = chat.scrollHeight;
  section.dataset.fresh = "no";
  section.querySelector(".kb").innerHTML = phone === "desk" ? "" : replyKeyboard(messages);
}

function where(phone) {
  const body = {user: holder[phone]};
  if (phone === "desk") { body.chat = "desk"; body.thread = topicOf.desk || null; }
  return body;
}

function buildPhone(section, phone) {
  section.innerHTML = `<header><span class="title"></span>
      <select class="who" data-testid="holder" title="${esc(t("language"))}"></select>
      <select class="lang langs" data-testid="language"></select></header>
    ${phone === "desk" ? '<nav class="topics" data-testid="topics"></nav>' : ""}
    <div class="chat" data-testid="chat"></div><div class="kb"></div>
    <form class="compose"><input data-testid="input" autocomplete="off">
      <button type="button" data-act="photo" data-testid="send-photo">📷</button>
      <button type="button" data-act="location" data-testid="send-location">📍</button>
      <button type="submit" data-testid="send">➤</button></form>`;
  if (phone !== "desk") section.querySelector(".topics")?.remove();
  section.querySelector(".compose input").placeholder = t("message");
  section.querySelector("[data-act=photo]").title = t("photo");
  section.querySelector("[data-act=location]").title = t("location");
  section.querySelector("[data-testid=send]").title = t("send");
  section.querySelector("select.who").addEventListener("change", (e) => { holder[phone] = Number(e.target.value); section.dataset.fresh = "yes"; drawPhone(section); });
  section.querySelector("select.lang").addEventListener("change", (e) => post("language", {user: holder[phone], language: e.target.value}));
  section.querySelector("form").addEventListener("submit", (e) => {
    e.preventDefault();
    const input = section.querySelector("input");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    post("send", {...where(phone), text});
  });
  section.addEventListener("click", (e) => {
    const el = e.target.closest("button");
    if (!el) return;
    if (el.dataset.press !== undefined) post("press", {...where(phone), message: Number(el.dataset.message), data: el.dataset.press});
    else if (el.dataset.reply === "send") post("send", {...where(phone), text: el.dataset.text});
    else if (el.dataset.reply) post(el.dataset.reply, where(phone));
    else if (el.dataset.act) post(el.dataset.act, where(phone));
    else if (el.dataset.topic !== undefined) { topicOf.desk = el.dataset.topic ? Number(el.dataset.topic) : null; section.dataset.fresh = "yes"; drawPhone(section); }
  });
}

function showAnswers() {
  for (const a of state.answers) {
    if (a.n <= seenAnswers) continue;
    if (seenAnswers >= 0 || a.n === state.answers[state.answers.length - 1].n) toast(a.text, a.alert);
  }
  if (state.answers.length) seenAnswers = state.answers[state.answers.length - 1].n;
}

function draw() {
  document.getElementById("clock").textContent = state.clock.replace("T", " ").replace("+00:00", " UTC")
    + (state.offset_hours ? ` (+${state.offset_hours} h)` : "");
  document.querySelectorAll(".phone").forEach(drawPhone);
  showAnswers();
}

async function refresh() {
  try {
    const r = await fetch("/api/state");
    const text = await r.text();
    if (text === lastJson) return;
    lastJson = text;
    state = JSON.parse(text);
    draw();
  } catch (err) { /* the sandbox is restarting; the next poll tries again */ }
}

async function setup() {
  try {
    const words = await (await fetch("/static/words.json")).json();
    WORDS = words.words; LANGS = words.langs;
  } catch (err) { /* English keys stay readable; the next load tries again */ }
  langOptions(document.getElementById("page-lang"), pageLang);
  langOptions(document.getElementById("new-lang"), pageLang);
  translatePage();
  document.getElementById("page-lang").addEventListener("change", (e) => {
    pageLang = e.target.value; localStorage.setItem("sandbox-lang", pageLang);
    document.querySelectorAll(".phone").forEach((s) => { s.innerHTML = ""; });
    translatePage(); lastJson = ""; refresh();
  });
  document.querySelectorAll(".ff").forEach((b) => b.addEventListener("click", async () => {
    const out = await post("clock", {hours: Number(b.dataset.hours)});
    if (out.ok) toast(`${b.textContent}: ${out.result.clock.replace("T", " ")}`, false);
  }));
  document.getElementById("add-person").addEventListener("click", async () => {
    const role = document.getElementById("new-role").value;
    const out = await post("person", {role, language: document.getElementById("new-lang").value});
    if (out.ok) { const phone = out.result.phone; holder[phone] = out.result.id; lastJson = ""; refresh(); }
  });
  refresh();
  setInterval(refresh, 700);
}

setup();
