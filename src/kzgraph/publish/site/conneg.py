"""Content negotiation for the static site, as Apache, nginx and Caddy configurations.

Every configuration does the same: a resource IRI (``/category/ingo``,
``/sources/sources/feminita/``) answers ``200`` with ``Vary: Accept`` and

- the page's RDF file when the ``Accept`` header asks for ``text/turtle``,
  ``application/ld+json`` or ``application/n-triples`` and does not ask for ``text/html``;
- the page (``index.html``, the default language) otherwise, browsers included.

The files themselves (``index.ttl``, ``index.ru.html``, the dumps) are served as they are, with
their media types. A folder IRI written without its slash is answered without a redirect.
"""

from __future__ import annotations

from kzgraph.config import Settings
from kzgraph.publish.site.rdf import MEDIA_TYPES

#: Accept pattern (a case-insensitive substring) -> the file extension it selects
NEGOTIATED = (("text/turtle", "ttl"), ("application/ld+json", "jsonld"),
              ("application/n-triples", "nt"))
EXTRA_TYPES = {"nq": "application/n-quads", "trig": "application/trig",
               "rdf": "application/rdf+xml", "wasm": "application/wasm",
               "rq": "application/sparql-query"}


def htaccess() -> str:
    lines = [
        "# Content negotiation for the kzgraph site (Apache 2.4: mod_rewrite, mod_headers,",
        "# mod_mime; the site's folder needs AllowOverride FileInfo Indexes, and MultiViews off).",
        "# Made by kzgraph site: RDF formats by Accept, the page otherwise; 200 + Vary: Accept.",
        "DirectorySlash Off",
        "DirectoryIndex index.html",
        "AddDefaultCharset utf-8",
    ]
    for ext, media in {**MEDIA_TYPES, **EXTRA_TYPES}.items():
        lines.append(f"AddType {media} .{ext}")
    lines += ["AddCharset utf-8 .ttl .nt .jsonld .html",
              "Header merge Vary Accept", "RewriteEngine On"]
    for pattern, ext in NEGOTIATED:
        escaped = pattern.replace("+", "\\+")
        for rule, target in (("^$", f"index.{ext}"), ("^(.+?)/?$", f"$1/index.{ext}")):
            lines += ["RewriteCond %{HTTP_ACCEPT} !text/html [NC]",
                      f"RewriteCond %{{HTTP_ACCEPT}} {escaped} [NC]",
                      f"RewriteCond %{{REQUEST_FILENAME}}/index.{ext} -f",
                      f"RewriteRule {rule} {target} [L]"]
    lines += ["RewriteCond %{REQUEST_FILENAME} -d",
              "RewriteCond %{REQUEST_FILENAME}/index.html -f",
              "RewriteRule ^(.+?)/?$ $1/index.html [L]"]
    return "\n".join(lines) + "\n"


def nginx_http() -> str:
    """The ``http {}`` part: which file extension an Accept header selects."""
    lines = ["# kzgraph site: include inside http { } (nginx 1.18 or later).",
             "map $http_accept $kzgraph_ext {", '    default "html";',
             '    "~*text/html" "html";']
    for pattern, ext in NEGOTIATED:
        lines.append(f'    "~*{pattern.replace("+", "[+]")}" "{ext}";')
    lines.append("}")
    return "\n".join(lines) + "\n"


def nginx_server() -> str:
    """The ``server {}`` part: the site's root is set by the server block that includes it."""
    types = {"html": "text/html", "css": "text/css", "js": "application/javascript",
             "json": "application/json", "png": "image/png", "svg": "image/svg+xml",
             "txt": "text/plain", **MEDIA_TYPES, **EXTRA_TYPES, "pf_meta": "application/octet-stream",
             "pf_index": "application/octet-stream", "pf_fragment": "application/octet-stream",
             "pagefind": "application/octet-stream"}
    lines = ["# kzgraph site: include inside server { } after setting root to the site folder.",
             "charset utf-8;",
             "charset_types text/html text/css application/javascript text/turtle "
             "application/n-triples application/ld+json application/json;",
             "location / {",
             "    types {"]
    lines += [f"        {media} {ext};" for ext, media in types.items()]
    lines += ["    }",
              "    add_header Vary Accept always;",
              "    try_files $uri/index.$kzgraph_ext $uri $uri/index.html =404;",
              "}"]
    return "\n".join(lines) + "\n"


def caddyfile(settings: Settings) -> str:
    """A snippet for a Caddy 2 site block: the rewrites, then the media types, then the files,
    in that order (a ``route``; Caddy would otherwise set headers before rewriting)."""
    matchers: list[str] = []
    route: list[str] = []
    for pattern, ext in NEGOTIATED:
        name = f"@kzgraph_{ext}"
        matchers += [f"{name} {{", "    not header Accept *text/html*",
                     f"    header Accept *{pattern}*", f"    file {{path}}/index.{ext}", "}"]
        route.append(f"rewrite {name} {{path}}/index.{ext}")
    matchers += ["@kzgraph_page {", "    not file {path}", "    file {path}/index.html", "}"]
    route.append("rewrite @kzgraph_page {path}/index.html")
    for ext, media in {**MEDIA_TYPES, **EXTRA_TYPES}.items():
        matchers.append(f"@kzgraph_type_{ext} path *.{ext}")
        route.append(f"header @kzgraph_type_{ext} Content-Type \"{media}\"")
    route.append("file_server")
    lines = ["# kzgraph site for Caddy 2: import inside your site block, after its root, e.g.",
             f"# {settings.base.split('/')[2]} {{",
             "#     root * /srv/kzgraph/site",
             "#     import /srv/kzgraph/site/server/kzgraph.caddy",
             "# }",
             "header Vary Accept", *matchers, "route {", *("    " + x for x in route), "}"]
    return "\n".join(lines) + "\n"


def server_configs(settings: Settings, languages: list[str]) -> dict[str, bytes]:
    """The configuration files written with the site, by path in the site."""
    del languages
    return {".htaccess": htaccess().encode(), "server/nginx-http.conf": nginx_http().encode(),
            "server/nginx-server.conf": nginx_server().encode(),
            "server/kzgraph.caddy": caddyfile(settings).encode()}
