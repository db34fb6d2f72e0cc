/* Sign in: check the key against the API, remember it for this browser tab only. */
(function () {
  "use strict";
  const form = document.getElementById("login-form");
  const box = document.getElementById("login-error");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    box.hidden = true;
    const key = document.getElementById("api-key").value.trim();
    sessionStorage.setItem(Console.KEY, key);
    try {
      const me = await Console.api("/v1/console/me");
      if (me.role !== "dispatcher") throw new Error("请使用调度员密钥登录（当前为 " + me.role + " 密钥）");
      sessionStorage.setItem(Console.WHO, JSON.stringify(me));
      location.href = "/console/queue";
    } catch (err) {
      sessionStorage.removeItem(Console.KEY);
      box.hidden = false;
      box.textContent = err.status === 401 ? "密钥无效或已吊销" : (err.message || String(err));
    }
  });
})();
