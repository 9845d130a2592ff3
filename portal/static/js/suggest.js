// 搜索框联想：按输入（汉字、全拼或拼音首字母）向 /search/suggest/ 取建议，填入 <datalist>。
(function () {
  var input = document.getElementById("site-search");
  var list = document.getElementById("search-suggestions");
  if (!input || !list || !window.fetch) return;
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (!q || q === last) return;
      last = q;
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(q), {headers: {Accept: "application/json"}})
        .then(function (r) { return r.ok ? r.json() : {suggestions: []}; })
        .then(function (data) {
          list.replaceChildren.apply(list, data.suggestions.map(function (s) {
            var option = document.createElement("option");
            option.value = s;
            return option;
          }));
        })
        .catch(function () {});
    }, 150);
  });
})();
