// 就业助手 web chat: vanilla JS, no CDN. Talks to POST /hooks/web/{account} like any other channel.
(function () {
  "use strict";

  var root = document.getElementById("chat");
  var account = root.getAttribute("data-account");
  var endpoint = root.getAttribute("data-endpoint");
  var list = document.getElementById("messages");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var sendButton = document.getElementById("send");
  var status = document.getElementById("status");
  var userKey = "jiuye.chat.user." + account;
  var historyKey = "jiuye.chat.history." + account;
  var busy = false;

  function randomId(prefix) {
    var bytes = new Uint8Array(9);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    var out = prefix;
    for (var i = 0; i < bytes.length; i++) out += ("0" + bytes[i].toString(16)).slice(-2);
    return out;
  }

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function userId() {
    var store = storage();
    var id = store && store.getItem(userKey);
    if (!id) {
      id = randomId("web-");
      if (store) store.setItem(userKey, id);
    }
    return id;
  }

  // Text goes in as text nodes; only http(s) URLs become links, so a reply can never inject markup.
  function fill(node, text) {
    var pattern = /https?:\/\/[^\s<>"']+/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      node.appendChild(document.createTextNode(text.slice(last, match.index)));
      var a = document.createElement("a");
      a.href = match[0];
      a.textContent = match[0];
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      node.appendChild(a);
      last = match.index + match[0].length;
    }
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  function bubble(kind, text, keep) {
    var div = document.createElement("div");
    div.className = "bubble " + kind;
    fill(div, text);
    list.appendChild(div);
    list.scrollTop = list.scrollHeight;
    if (keep) remember(kind, text);
    return div;
  }

  function remember(kind, text) {
    var store = storage();
    if (!store) return;
    var items = [];
    try { items = JSON.parse(store.getItem(historyKey) || "[]"); } catch (e) { items = []; }
    items.push([kind, text]);
    store.setItem(historyKey, JSON.stringify(items.slice(-60)));
  }

  function restore() {
    var store = storage();
    if (!store) return;
    try {
      JSON.parse(store.getItem(historyKey) || "[]").forEach(function (item) { bubble(item[0], item[1], false); });
    } catch (e) { store.removeItem(historyKey); }
  }

  function post(body, attempt) {
    return fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (resp) {
      return resp.json().catch(function () { return {}; }).then(function (data) {
        if (!resp.ok) {
          var err = new Error(data.detail || ("服务暂时不可用（" + resp.status + "）"));
          err.retry = resp.status >= 500;
          throw err;
        }
        return data;
      });
    }).catch(function (err) {
      // The same msg_id makes a retry safe: the server answers it once.
      if (attempt < 2 && (err.retry || err instanceof TypeError)) {
        return new Promise(function (r) { setTimeout(r, 800 * (attempt + 1)); }).then(function () {
          return post(body, attempt + 1);
        });
      }
      throw err;
    });
  }

  function send(text) {
    text = text.trim();
    if (!text || busy) return;
    busy = true;
    sendButton.disabled = true;
    status.textContent = "";
    bubble("me", text, true);
    var typing = bubble("bot pending", "正在输入…", false);
    post({ user_id: userId(), text: text, msg_id: randomId("m-") }, 0).then(function (data) {
      typing.remove();
      var replies = data.replies || [];
      if (!replies.length) status.textContent = "已收到";
      replies.forEach(function (reply) { bubble("bot", reply, true); });
    }).catch(function (err) {
      typing.remove();
      bubble("error", (err && err.message && !(err instanceof TypeError)) ? err.message : "网络异常，请稍后重试", false);
    }).then(function () {
      busy = false;
      sendButton.disabled = false;
      input.focus();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value;
    input.value = "";
    input.style.height = "";
    send(text);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });

  input.addEventListener("input", function () {
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight, 120) + "px";
  });

  document.querySelectorAll(".quick button").forEach(function (button) {
    button.addEventListener("click", function () { send(button.getAttribute("data-text")); });
  });

  document.getElementById("reset").addEventListener("click", function () {
    var store = storage();
    if (store) { store.removeItem(userKey); store.removeItem(historyKey); }
    list.querySelectorAll(".bubble").forEach(function (node, index) { if (index > 0) node.remove(); });
    status.textContent = "已换成新的聊天身份";
  });

  restore();
})();
