// Small progressive enhancements; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
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
