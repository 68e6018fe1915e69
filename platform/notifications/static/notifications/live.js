/* live.js: live notifications for every portal and the storefront (issue 7). Plain ES2017, no dependencies.
 *
 * Reads its settings from the element [data-live] (rendered for signed-in users only):
 *   data-live-url      websocket path, e.g. "/ws/portal/"
 *   data-live-last-id  newest notification id when the page was rendered (older ones are never toasted)
 *   data-live-user     the user's id (localStorage keys are per user)
 *   data-live-summary  "__N__ new notifications" (translated; __N__ is replaced), for a large catch-up
 * and sets data-live-state="open" once the server said hello ("closed" while it reconnects).
 * It uses [data-unread-count] (badges), [data-live-toasts] (an aria-live region) and [data-live-sound] (toggle).
 *
 * Protocol (notifications/consumers.py): on open it sends catch_up {after: last seen id}; the server answers
 * hello / catch_up / state with the authoritative `unread`; live events arrive as `notification`. Every new one
 * is acknowledged, toasted, counted, remembered and re-dispatched as CustomEvent("mp:notification") on document.
 * Closed sockets reconnect with exponential back-off and jitter (at most 30 s), at once when the phone comes back
 * online or the page becomes visible; "not signed in" (4401) and "too many sockets" (4429) wait 5 minutes.
 * Elements marked [data-live-region][data-live-number][data-live-kinds] are refreshed in place (fetched again)
 * when a notification of one of those kinds arrives for that order number.
 */
(() => {
  "use strict";
  const root = document.querySelector("[data-live]");
  if (!root || !("WebSocket" in window)) return;

  const MAX_DELAY = 30000, BLOCKED_DELAY = 300000, TOAST_MS = 6000, MAX_TOASTS = 3, FEW = 3, PING_MS = 25000;
  const user = root.dataset.liveUser || "anon";
  const keys = {seen: `mp-live-seen:${user}`, sound: `mp-live-sound:${user}`};
  const store = {
    get(key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } },
    set(key, value) { try { window.localStorage.setItem(key, String(value)); } catch (e) { /* private mode */ } },
  };
  const seen = new Set();
  const rendered = Number(root.dataset.liveLastId) || 0;  // the page's badge already counts these
  let lastSeen = Math.max(Number(store.get(keys.seen)) || 0, rendered);
  let socket = null, attempts = 0, timer = null, blocked = false, audio = null;

  // --- badges, toasts, sound -------------------------------------------------------------------------------------
  let unread = Number((document.querySelector("[data-unread-count]") || {textContent: "0"}).textContent) || 0;
  function setUnread(count) {
    unread = Math.max(0, Number(count) || 0);
    document.querySelectorAll("[data-unread-count]").forEach((badge) => {
      badge.textContent = String(unread);
      badge.setAttribute("data-unread-count", String(unread));
      badge.hidden = unread === 0;
    });
  }

  const region = document.querySelector("[data-live-toasts]");
  function toast(title, body, href) {
    if (!region) return;
    const item = document.createElement("a");
    item.className = "mp-toast";
    item.href = href;
    const strong = document.createElement("strong");
    strong.textContent = title;
    item.appendChild(strong);
    if (body) {
      const text = document.createElement("span");
      text.textContent = body;
      item.appendChild(text);
    }
    region.appendChild(item);
    while (region.children.length > MAX_TOASTS) region.removeChild(region.firstElementChild);
    setTimeout(() => item.remove(), TOAST_MS);
  }

  const soundButton = document.querySelector("[data-live-sound]");
  const soundOn = () => store.get(keys.sound) === "on";
  function showSound() {
    if (!soundButton) return;
    soundButton.hidden = false;
    soundButton.setAttribute("aria-pressed", soundOn() ? "true" : "false");
    soundButton.textContent = soundOn() ? soundButton.dataset.labelOn : soundButton.dataset.labelOff;
  }
  function unlockAudio() {  // phones only play sound started from a user gesture: create/resume the context then
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    if (!audio) audio = new Context();
    if (audio.state === "suspended") audio.resume();
  }
  function beep() {
    if (!soundOn() || !audio || audio.state !== "running") return;
    const now = audio.currentTime, tone = audio.createOscillator(), gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, now);
    gain.gain.exponentialRampToValueAtTime(0.3, now + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + 0.25);
    tone.connect(gain);
    gain.connect(audio.destination);
    tone.start(now);
    tone.stop(now + 0.3);
  }
  if (soundButton) {
    soundButton.addEventListener("click", () => {
      store.set(keys.sound, soundOn() ? "off" : "on");
      unlockAudio();
      showSound();
      beep();
    });
    showSound();
  }
  ["pointerdown", "keydown", "touchend"].forEach((name) => document.addEventListener(name, unlockAudio,
    {once: true, capture: true, passive: true}));

  // --- messages ----------------------------------------------------------------------------------------------------
  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function remember(items) {
    const fresh = items.filter((item) => item && Number.isInteger(item.id) && !seen.has(item.id));
    fresh.forEach((item) => {
      seen.add(item.id);
      lastSeen = Math.max(lastSeen, item.id);
    });
    if (fresh.length) {
      store.set(keys.seen, lastSeen);
      send({type: "ack", ids: fresh.map((item) => item.id)});
    }
    return fresh;
  }

  function announce(item) {
    document.dispatchEvent(new CustomEvent("mp:notification", {detail: item}));
  }

  function onLive(item) {
    const fresh = remember([item]);
    if (!fresh.length || item.id <= rendered) return;  // a late delivery of one the page already counted
    if (!item.read) setUnread(unread + 1);
    toast(item.title, item.body, `/notifications/${item.id}/`);
    if (item.sound) beep();
    announce(item);
  }

  function onCatchUp(message) {
    const fresh = remember(message.items || []);
    const toToast = fresh.filter((item) => !item.read);
    if (toToast.length > FEW) {
      toast((root.dataset.liveSummary || "__N__").replace("__N__", String(toToast.length)), "", "/notifications/");
    } else {
      toToast.forEach((item) => toast(item.title, item.body, `/notifications/${item.id}/`));
    }
    if (toToast.some((item) => item.sound)) beep();
    fresh.forEach(announce);
    if (typeof message.unread === "number") setUnread(message.unread);
    const items = message.items || [], last = items.length ? items[items.length - 1].id : 0;
    if (message.more && Number.isInteger(last)) send({type: "catch_up", after: last});  // next page, oldest first
  }

  function onMessage(event) {
    let message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    if (!message || typeof message !== "object") return;
    if (message.type === "hello") {
      attempts = 0;
      root.setAttribute("data-live-state", "open");
      if (typeof message.unread === "number") setUnread(message.unread);
    } else if (message.type === "catch_up") {
      onCatchUp(message);
    } else if (message.type === "state") {
      setUnread(message.unread);
    } else if (message.type === "notification") {
      onLive(message);
    }
  }

  // --- connection --------------------------------------------------------------------------------------------------
  function connect() {
    clearTimeout(timer);
    timer = null;
    if (socket && socket.readyState <= WebSocket.OPEN) return;  // CONNECTING or OPEN
    const scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + (root.dataset.liveUrl || "/ws/portal/"));
    socket.addEventListener("open", () => {
      blocked = false;
      send({type: "catch_up", after: lastSeen});
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", (event) => {
      socket = null;
      root.setAttribute("data-live-state", "closed");
      blocked = event.code === 4401 || event.code === 4429;
      schedule();
    });
  }

  function schedule() {
    if (timer) return;
    const delay = blocked ? BLOCKED_DELAY : Math.min(MAX_DELAY, 1000 * 2 ** attempts);
    attempts += 1;
    timer = setTimeout(connect, blocked ? delay : delay / 2 + Math.random() * delay / 2);  // jitter: 50-100 %
  }

  function wake() {
    if (!blocked && !socket && document.visibilityState !== "hidden") {
      attempts = 0;
      connect();
    }
  }
  window.addEventListener("online", wake);
  document.addEventListener("visibilitychange", wake);
  setInterval(() => send({type: "ping"}), PING_MS);
  connect();

  // --- pages that follow one order (the shopper's order page) ------------------------------------------------------
  document.addEventListener("mp:notification", (event) => {
    const item = event.detail || {}, number = String((item.params || {}).number || "");
    const regions = Array.from(document.querySelectorAll("[data-live-region][data-live-number]")).filter(
      (el) => el.dataset.liveNumber === number && (el.dataset.liveKinds || "").split(/\s+/).includes(item.kind));
    if (!regions.length) return;
    fetch(window.location.href, {credentials: "same-origin", headers: {"X-Requested-With": "live"}})
      .then((response) => (response.ok ? response.text() : Promise.reject(new Error(String(response.status)))))
      .then((html) => {
        const fresh = new DOMParser().parseFromString(html, "text/html");
        regions.forEach((el) => {
          const name = el.getAttribute("data-live-region");
          const next = fresh.querySelector(`[data-live-region="${name}"][data-live-number="${number}"]`);
          if (next) el.replaceWith(document.importNode(next, true));
        });
      })
      .catch((error) => console.warn("live refresh failed", error));  // eslint-disable-line no-console
  });
})();
