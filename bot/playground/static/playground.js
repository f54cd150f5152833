// The playground page: every action becomes one genuine WeChat delivery on the server side.
(function () {
  const urls = document.getElementById("playground").dataset;
  const chat = document.getElementById("chat");
  const text = document.getElementById("text");
  const kind = document.getElementById("kind");
  const user = document.getElementById("user");
  const raw = document.getElementById("raw");

  function bubble(content, who) {
    const item = document.createElement("li");
    item.className = who;
    item.textContent = content;   // textContent: nothing typed here is ever run as HTML
    chat.appendChild(item);
    chat.scrollTop = chat.scrollHeight;
  }

  async function send(payload, shown) {
    if (shown) bubble(shown, "me");
    payload.user = user.value || "resident";
    try {
      const response = await fetch(urls.sendUrl, {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify(payload),
      });
      const data = await response.json();
      if (!response.ok) { bubble(data.error || "出错了", "error"); return; }
      raw.textContent = data.request_xml;
      if (data.reply) bubble(data.reply, "bot");
      else bubble("（公众号没有回复）", "note");
    } catch (err) {
      bubble("连接不上机器人：" + err, "error");
    }
  }

  document.getElementById("composer").addEventListener("submit", function (event) {
    event.preventDefault();
    const value = text.value.trim();
    if (!value && kind.value !== "image") return;
    const shown = kind.value === "image" ? "[图片]" : value;
    const payload = {kind: kind.value, text: value};
    if (kind.value === "link") { payload.url = value.startsWith("http") ? value : ""; }
    send(payload, shown);
    text.value = "";
  });
  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      document.getElementById("composer").requestSubmit();
    }
  });
  document.querySelectorAll(".menu button").forEach(function (button) {
    button.addEventListener("click", function () {
      send({kind: "event", event: "CLICK", key: button.dataset.key}, "〔菜单〕" + button.textContent);
    });
  });
  document.querySelectorAll(".sample").forEach(function (button) {
    button.addEventListener("click", function () { text.value = button.textContent; text.focus(); });
  });
  const role = document.getElementById("role");
  role.addEventListener("change", function () {
    user.value = role.value === "informant" ? "informant1" : "resident";
    document.getElementById("invite-row").hidden = role.value !== "informant";
  });
  document.getElementById("invite").addEventListener("click", async function () {
    const building = document.getElementById("building").value;
    const response = await fetch(urls.inviteUrl, {
      method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({building: building}),
    });
    const data = await response.json();
    if (!response.ok) { bubble(data.error, "error"); return; }
    bubble("网格长给了你 " + building + " 的邀请码：" + data.code, "note");
    text.value = "绑定 " + data.code;
    text.focus();
  });

  const inbox = document.getElementById("inbox");
  async function refreshInbox() {
    try {
      const data = await (await fetch(urls.inboxUrl)).json();
      if (!data.inboxes.length) return;
      inbox.replaceChildren();
      data.inboxes.forEach(function (box) {
        const card = document.createElement("section");
        card.className = "box";
        const title = document.createElement("h3");
        title.textContent = box.name + "（" + (box.channel === "wecom_group" ? "网格群" : "企业微信") + "）";
        card.appendChild(title);
        box.messages.forEach(function (message) {
          const item = document.createElement("pre");
          item.textContent = message;
          card.appendChild(item);
        });
        inbox.appendChild(card);
      });
    } catch (err) { /* the bot restarted: try again on the next tick */ }
  }
  setInterval(refreshInbox, 2000);
  refreshInbox();

  document.getElementById("subscribe").addEventListener("click", function () {
    bubble("你关注了公众号", "note");
    send({kind: "event", event: "subscribe"});
  });
  document.getElementById("unsubscribe").addEventListener("click", function () {
    bubble("你取消了关注", "note");
    send({kind: "event", event: "unsubscribe"});
  });
})();

// The staff side (local mode): what each grid worker's WeCom shows, with working buttons.
(function () {
  const urls = document.getElementById("playground").dataset;
  const side = document.getElementById("staff-side");
  const who = document.getElementById("staff-user");
  const staffInbox = document.getElementById("staff-inbox");
  const groups = document.getElementById("groups");
  const reply = document.getElementById("staff-reply");
  let latest = null;

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  async function act(payload) {
    payload.user = who.value;
    const response = await fetch(urls.actUrl, {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(payload),
    });
    const data = await response.json();
    reply.textContent = data.reply || data.error || "";
    refresh();
  }

  function card(item) {
    const box = el("section", undefined, "card");
    box.appendChild(el("h3", item.title));
    box.appendChild(el("p", item.desc, "muted"));
    if (item.text) box.appendChild(el("p", item.text));
    item.rows.forEach(function (row) { box.appendChild(el("p", row)); });
    if (item.label) {
      box.appendChild(el("p", item.label, "label"));
    } else {
      item.buttons.forEach(function (button) {
        const b = el("button", button.text);
        b.type = "button";
        b.addEventListener("click", function () { act({key: button.key, task_id: item.task_id}); });
        box.appendChild(b);
      });
    }
    return box;
  }

  function render() {
    if (!latest) return;
    const mine = latest.inboxes.find(function (box) { return box.user === who.value; });
    staffInbox.replaceChildren();
    if (!mine) staffInbox.appendChild(el("p", "这位网格员还没有收到消息。", "muted"));
    else mine.items.slice().reverse().forEach(function (item) {
      staffInbox.appendChild(item.type === "card" ? card(item) : el("pre", item.text));
    });
    groups.replaceChildren();
    Object.keys(latest.groups).forEach(function (chat) {
      latest.groups[chat].slice(-8).forEach(function (line) { groups.appendChild(el("pre", line)); });
    });
    if (!groups.children.length) groups.appendChild(el("p", "群里还没有消息。", "muted"));
    document.getElementById("clock-offset").textContent =
      latest.offset_minutes ? "（已拨快 " + latest.offset_minutes + " 分钟）" : "";
  }

  async function refresh() {
    try {
      const response = await fetch(urls.staffroomUrl);
      if (response.status === 404) return;   // no fake WeCom here: the outbox inbox stands in
      latest = await response.json();
      side.hidden = false;
      document.getElementById("outbox-inbox").hidden = true;  // the real WeCom view replaces it
      render();
    } catch (err) { /* the bot restarted: try again on the next tick */ }
  }

  who.addEventListener("change", render);
  document.getElementById("staff-form").addEventListener("submit", function (event) {
    event.preventDefault();
    const input = document.getElementById("staff-text");
    if (input.value.trim()) act({text: input.value.trim()});
    input.value = "";
  });
  document.querySelectorAll("button.clock").forEach(function (button) {
    button.addEventListener("click", async function () {
      await fetch(urls.clockUrl, {
        method: "POST", headers: {"Content-Type": "application/json"},
        body: JSON.stringify({minutes: Number(button.dataset.minutes)}),
      });
      refresh();
    });
  });
  setInterval(refresh, 1500);
  refresh();
})();
