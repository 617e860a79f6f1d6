// Small progressive enhancements; every page works without them.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }
  // The search form leaves out the advanced fields left empty: shorter, readable URLs.
  for (const form of document.querySelectorAll("form.big-search")) {
    form.addEventListener("submit", () => {
      for (const field of form.querySelectorAll(".advanced input, .advanced select")) {
        if (!field.value || (field.type === "radio" && !field.checked)) field.disabled = true;
      }
    });
  }
  window.addEventListener("pageshow", () => {
    for (const field of document.querySelectorAll(".advanced [disabled]")) field.disabled = false;
  });
  // 筛选 on a phone: the filters open above the results.
  const toggle = document.querySelector(".filters-toggle");
  if (toggle) {
    toggle.addEventListener("click", () => {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      toggle.nextElementSibling.classList.toggle("filters-open", open);
    });
  }
  // 法条联想: a citation shows the cited clause in a popover on hover, focus or a first tap.
  let popover = null;
  let owner = null;
  let leaving = null;
  const hide = () => {
    if (popover) popover.remove();
    if (owner) owner.removeAttribute("aria-describedby");
    popover = owner = null;
  };
  const show = (link) => {
    if (owner === link) return;
    hide();
    popover = document.createElement("div");
    popover.className = "cite-popover";
    popover.id = "cite-popover";
    popover.setAttribute("role", "tooltip");
    const title = document.createElement("strong");
    title.textContent = link.dataset.previewTitle;
    const text = document.createElement("div");
    text.textContent = link.dataset.preview;
    const open = document.createElement("a");
    open.className = "open-cited";
    open.href = link.href;
    open.textContent = "查看该条 ›";
    popover.append(title, text, open);
    document.body.append(popover);
    const box = link.getBoundingClientRect();
    const left = Math.max(12, Math.min(box.left, window.innerWidth - popover.offsetWidth - 12));
    popover.style.left = `${left + window.scrollX}px`;
    popover.style.top = `${box.bottom + window.scrollY + 6}px`;
    link.setAttribute("aria-describedby", popover.id);
    owner = link;
  };
  for (const link of document.querySelectorAll("a.cite[data-preview]")) {
    if (!link.dataset.preview) continue;
    link.removeAttribute("title"); // the popover says it; no second tooltip
    link.addEventListener("mouseenter", () => {
      clearTimeout(leaving);
      show(link);
    });
    link.addEventListener("mouseleave", () => {
      leaving = setTimeout(() => {
        if (popover && !popover.matches(":hover")) hide();
      }, 300);
    });
    link.addEventListener("focus", () => show(link));
    link.addEventListener("pointerup", (event) => {
      if (event.pointerType === "touch" && owner !== link) {
        event.preventDefault();
        show(link); // a first tap shows the clause; the popover's link opens it
      }
    });
    link.addEventListener("click", (event) => {
      if (link.dataset.tapped === "1") event.preventDefault();
      link.dataset.tapped = "";
    });
    link.addEventListener("pointerdown", (event) => {
      link.dataset.tapped = event.pointerType === "touch" && owner !== link ? "1" : "";
    });
  }
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") hide();
  });
  document.addEventListener("pointerdown", (event) => {
    if (popover && !popover.contains(event.target) && !event.target.closest("a.cite")) hide();
  });
  for (const button of document.querySelectorAll(".copy-button")) {
    button.addEventListener("click", async () => {
      const field = document.getElementById(button.dataset.copyTarget);
      const status = button.parentElement.querySelector(".copy-status");
      let copied = false;
      try {
        await navigator.clipboard.writeText(field.value);
        copied = true;
      } catch (error) {
        field.select();
        copied = document.execCommand && document.execCommand("copy");
      }
      if (status) status.textContent = copied ? "已复制：" + field.value : "请按 Ctrl+C 复制";
      button.dataset.copied = copied ? "true" : "false";
    });
  }
  // 引用 beside each 款 and 项: its citation in the customary form, to the clipboard.
  for (const button of document.querySelectorAll("[data-copy-text]")) {
    button.addEventListener("click", async () => {
      const status = document.querySelector(".copy-status");
      let copied = false;
      try {
        await navigator.clipboard.writeText(button.dataset.copyText);
        copied = true;
      } catch (error) {
        copied = false;
      }
      if (status) status.textContent = copied ? "已复制：" + button.dataset.copyText : "复制失败，请手动选择文字";
    });
  }
  const hideSame = document.querySelector("[data-hide-same]");
  if (hideSame) {
    hideSame.addEventListener("change", () => {
      document.querySelector(".compare-table").classList.toggle("hide-same", hideSame.checked);
    });
  }
});
