// The joining form (joining/apply.html): employer / no-union switch and the workplace search.
(function () {
  const form = document.getElementById("apply-form");
  const boxes = {employer: document.getElementById("employer-box"), none: document.getElementById("none-box")};
  function sync() {
    const mode = (form.querySelector("input[name=mode]:checked") || {}).value || "employer";
    boxes.employer.hidden = mode !== "employer";
    boxes.none.hidden = mode !== "none";
  }
  form.querySelectorAll("input[name=mode]").forEach(r => r.addEventListener("change", sync));
  sync();
  const search = document.getElementById("wp-search"), results = document.getElementById("wp-results");
  const hidden = document.getElementById("id_workplace"), chosen = document.getElementById("wp-chosen");
  let timer;
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      results.replaceChildren();
      if (search.value.trim().length < 2) return;
      const resp = await fetch(form.dataset.searchUrl + "?q=" + encodeURIComponent(search.value.trim()));
      const data = await resp.json();
      if (!data.results.length) { results.textContent = "未找到该单位，可选择「单位未建工会 / 新就业形态」"; return; }
      for (const w of data.results) {
        const b = document.createElement("button");
        b.type = "button"; b.className = "list-group-item list-group-item-action";
        b.textContent = w.name + "（" + w.region + "）";
        b.addEventListener("click", () => { hidden.value = w.id; chosen.textContent = "已选择：" + w.name; results.replaceChildren(); search.value = w.name; });
        results.appendChild(b);
      }
    }, 250);
  });
})();
