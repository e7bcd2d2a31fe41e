// The SPARQL page: YASGUI over an Oxigraph store (WebAssembly) that holds the site's own dump.
// Queries never leave the browser: YASGUI sends them to a local endpoint address, and the
// page's fetch answers that address from the store (SPARQL 1.1 Protocol, JSON or Turtle).
const me = document.querySelector("script[data-dump]");
const status = document.getElementById("status");
const examples = JSON.parse(document.getElementById("saved-queries").textContent);
const oxBase = new URL(me.dataset.oxigraph, location.href);
const ENDPOINT = new URL("local-sparql-endpoint", location.href).href;

const oxigraph = await import(new URL("web.js", oxBase).href);
await oxigraph.default({ module_or_path: new URL("web_bg.wasm", oxBase) });
const store = new oxigraph.Store();
const dump = await fetch(new URL(me.dataset.dump, location.href));
store.load(await dump.text(), { format: "application/n-triples" });

function queryForm(text) {
  const bare = text.replace(/#[^\n]*/g, " ").replace(/<[^>\s]*>/g, " ")
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, " ");
  const found = bare.match(/\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i);
  return found ? found[1].toUpperCase() : "SELECT";
}

// Run a query on the store: the body and media type a SPARQL endpoint would answer with.
function answer(text) {
  const graph = ["CONSTRUCT", "DESCRIBE"].includes(queryForm(text));
  const type = graph ? "text/turtle" : "application/sparql-results+json";
  return { body: store.query(text, { results_format: type }), type };
}
window.kzgraphSparql = { endpoint: ENDPOINT, answer, size: () => store.size };

const networkFetch = window.fetch.bind(window);
window.fetch = async (input, init) => {
  const request = input instanceof Request ? input : new Request(input, init);
  if (!request.url.startsWith(ENDPOINT)) return networkFetch(input, init);
  const params = request.method === "POST"
    ? new URLSearchParams(await request.text()) : new URL(request.url).searchParams;
  const text = params.get("query");
  if (!text) return new Response("", { status: 200 });
  try {
    const { body, type } = answer(text);
    return new Response(body, { status: 200, headers: { "Content-Type": type } });
  } catch (error) {
    return new Response(String(error), { status: 400, headers: { "Content-Type": "text/plain" } });
  }
};

const yasgui = new Yasgui(document.getElementById("yasgui"), {
  requestConfig: { endpoint: ENDPOINT, method: "POST" },
  copyEndpointOnNewTab: true,
  persistenceId: null,
  populateFromUrl: false,
  endpointCatalogueOptions: { getData: () => [] },
  yasqe: { autocompleters: ["variables"] },
});
// YASGUI's markup, made accessible: names for its unlabeled controls, the editor's scroll
// region reachable by keyboard (axe-core: no serious or critical violation on this page).
const labels = JSON.parse(me.dataset.labels);
function accessible(root) {
  root.querySelectorAll(".CodeMirror textarea:not([aria-label])")
    .forEach((el) => el.setAttribute("aria-label", labels.editor));
  root.querySelectorAll(".CodeMirror-scroll[tabindex='-1']")
    .forEach((el) => el.setAttribute("tabindex", "0"));
  root.querySelectorAll("select.tableSizer:not([aria-label])")
    .forEach((el) => el.setAttribute("aria-label", labels.pageSize));
  root.querySelectorAll("input:not([aria-label]):not([id])").forEach((el) => {
    const text = el.placeholder || el.title;
    if (text) el.setAttribute("aria-label", text);
  });
}
const yasguiElement = document.getElementById("yasgui");
accessible(yasguiElement);
new MutationObserver(() => accessible(yasguiElement))
  .observe(yasguiElement, { childList: true, subtree: true });

const select = document.getElementById("examples");
function show(name) {
  const example = examples.find((e) => e.name === name);
  if (example) yasgui.getTab().setQuery(example.query);
}
select.addEventListener("change", () => show(select.value));
if (examples.length) show(select.value);
status.textContent = status.dataset.ready.replace("{n}", String(store.size));
document.body.dataset.sparqlReady = "true";
