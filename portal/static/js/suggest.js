// 搜索框联想：按输入（汉字、全拼或拼音首字母）向 /search/suggest/ 取建议，列在框下（ARIA combobox）。
// 不用 <datalist>：浏览器只显示包含所输入文字的选项，djyl 的建议“党建引领”会被滤掉。
(function () {
  var input = document.getElementById("site-search");
  var list = document.getElementById("search-suggestions");
  var status = document.getElementById("search-suggestions-status");
  if (!input || !list || !window.fetch) return;
  var timer = null;
  var last = "";
  var active = -1;

  function options() { return list.querySelectorAll("[role=option]"); }

  function announce(text) { if (status) status.textContent = text; }

  function open() {
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    var all = options();
    if (!all.length) return;
    active = (index + all.length) % all.length;
    all.forEach(function (option, i) { option.setAttribute("aria-selected", i === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", all[active].id);
  }

  function choose(option) {
    input.value = option.textContent;
    close();
    input.form.submit();
  }

  function show(suggestions) {
    list.replaceChildren.apply(list, suggestions.map(function (text, i) {
      var option = document.createElement("li");
      option.id = "search-suggestion-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.textContent = text;
      return option;
    }));
    active = -1;
    input.removeAttribute("aria-activedescendant");
    if (suggestions.length) {
      open();
      announce("有 " + suggestions.length + " 条搜索建议，按 ↓ ↑ 选择");
    } else {
      close();
      announce("");
    }
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (!q) { last = ""; close(); return; }
      if (q === last) return;
      last = q;
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(q), {headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {suggestions: []}; })
        .then(function (data) { if (input.value.trim() === q) show(data.suggestions || []); })
        .catch(function () {});
    }, 150);
  });

  input.addEventListener("keydown", function (event) {
    if (list.hidden) {
      // ↓ brings back the suggestions Esc closed (the ARIA combobox pattern).
      if (event.key === "ArrowDown" && options().length && input.value.trim() === last) {
        event.preventDefault();
        open();
        highlight(0);
      }
      return;
    }
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
    else if (event.key === "Escape") { event.preventDefault(); close(); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(options()[active]); }
  });
  // mousedown, not click: the input would lose focus (and the list close) before a click.
  list.addEventListener("mousedown", function (event) {
    var option = event.target.closest("[role=option]");
    if (option) { event.preventDefault(); choose(option); }
  });
  input.addEventListener("blur", close);
})();
