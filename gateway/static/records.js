// The record room: the sheet first (its batch; the same sheet again finds the same batch), then
// each PDF its sheet still waits for, one request each, with "37 of 300" shown as they go. A
// page closed half-way loses nothing: choosing the same files again sends only what is left.
(function () {
  "use strict";
  const box = document.getElementById("one-by-one");
  if (!box) return;
  const form = box.querySelector("form");
  const bar = box.querySelector("progress");
  const count = box.querySelector(".count");
  const problem = box.querySelector(".problem");
  const link = box.querySelector(".report-link");

  const show = (batch) => {
    bar.max = batch.total;
    bar.value = batch.done;
    count.textContent = box.dataset.of.replace("{done}", batch.done).replace("{total}", batch.total);
  };

  const wait = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

  async function send(file, batchId) {
    for (;;) {
      const body = new FormData();
      body.append("csrf_token", form.elements.csrf_token.value);
      body.append("file", file, file.name);
      if (batchId) body.append("batch_id", batchId);
      const response = await fetch(box.dataset.url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      if (response.status === 429) {
        await wait(Number(response.headers.get("Retry-After")) || 5); // the record room's budget
        continue;
      }
      const answer = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error((answer.error && answer.error.message) || box.dataset.failed);
      return answer;
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    problem.hidden = true;
    const button = form.querySelector("button");
    button.disabled = true;
    box.querySelector(".progress").hidden = false;
    try {
      let batch = await send(form.elements.sheet.files[0], null);
      link.querySelector("a").href = box.dataset.batchUrl.replace("BATCH", batch.id);
      show(batch);
      const waiting = new Set(
        batch.rows.filter((r) => r.outcome === "waiting").map((r) => r.file_name.toLowerCase())
      );
      for (const file of form.elements.pdfs.files) {
        if (!waiting.has(file.name.toLowerCase())) continue;
        batch = await send(file, batch.id);
        show(batch);
      }
      link.hidden = false;
    } catch (error) {
      problem.textContent = error.message === "Failed to fetch" ? box.dataset.failed : error.message;
      problem.hidden = false;
      link.hidden = !link.querySelector("a").getAttribute("href").startsWith("/");
    } finally {
      button.disabled = false;
    }
  });
})();
