// The playground page: every action becomes one genuine WeChat delivery on the server side.
(function () {
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
      const response = await fetch("send", {
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
  document.getElementById("subscribe").addEventListener("click", function () {
    bubble("你关注了公众号", "note");
    send({kind: "event", event: "subscribe"});
  });
  document.getElementById("unsubscribe").addEventListener("click", function () {
    bubble("你取消了关注", "note");
    send({kind: "event", event: "unsubscribe"});
  });
})();
