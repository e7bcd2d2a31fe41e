"""Content negotiation as a pure function: Accept headers with q values, wildcards, ties,
parameters, nonsense, and what fits nothing (the server answers 406)."""

from __future__ import annotations

import pytest

from kzgraph.publish.serve.conneg import RESOURCE_TYPES, negotiate, parse_accept, quality

FIREFOX = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
CHROME = ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
          "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7")


@pytest.mark.parametrize("accept, expected", [
    (None, "text/html"),
    ("", "text/html"),
    ("*/*", "text/html"),
    (FIREFOX, "text/html"),
    (CHROME, "text/html"),
    ("text/turtle", "text/turtle"),
    ("application/ld+json", "application/ld+json"),
    ("application/n-triples", "application/n-triples"),
    ("TEXT/Turtle", "text/turtle"),
    ("text/*", "text/html"),
    ("text/*;q=0.5, text/turtle", "text/turtle"),
    # the most specific range decides: text/html is refused even though text/* is welcome
    ("text/html;q=0, text/*", "text/turtle"),
    ("application/*", "application/ld+json"),
    ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
    ("text/turtle;q=0.9, application/n-triples", "application/n-triples"),
    ("application/n-triples;q=0.2, */*;q=0.1", "application/n-triples"),
    # what rdflib-based and Jena clients send
    ("text/turtle, application/rdf+xml;q=0.9, */*;q=0.1", "text/turtle"),
    ("application/ld+json;profile=\"http://www.w3.org/ns/json-ld#expanded\"",
     "application/ld+json"),
    ("text/turtle;charset=utf-8", "text/turtle"),
    # a tie goes to the server's order (HTML first)
    ("text/turtle, text/html", "text/html"),
    # nonsense entries are skipped, a bad q counts as 1
    ("garbage, text/turtle", "text/turtle"),
    ("text/turtle;q=high", "text/turtle"),
    # nothing fits
    ("image/png", None),
    ("application/rdf+xml", None),
    ("text/turtle;q=0", None),
    ("*/*;q=0", None),
    ("text/*;q=0, application/*;q=0", None),
])
def test_negotiate(accept, expected):
    assert negotiate(accept, RESOURCE_TYPES) == expected


def test_only_what_is_offered():
    assert negotiate("text/turtle", ["text/html"]) is None
    assert negotiate("*/*", ["application/n-triples", "text/turtle"]) == "application/n-triples"
    assert negotiate("text/html", []) is None


def test_parse_accept_keeps_order_q_and_parameters():
    ranges = parse_accept('text/html;level=1;q=0.7;ext=x, */*;q=0.001, image/png')
    assert [(r.type, r.subtype, r.q, r.params) for r in ranges] == [
        ("text", "html", 0.7, (("level", "1"),)), ("*", "*", 0.001, ()),
        ("image", "png", 1.0, ())]


def test_quality_is_that_of_the_most_specific_range():
    ranges = parse_accept("*/*;q=0.1, text/*;q=0.5, text/turtle;q=0.9")
    assert quality(ranges, "text/turtle") == 0.9
    assert quality(ranges, "text/html") == 0.5
    assert quality(ranges, "application/ld+json") == 0.1
    assert quality(parse_accept("text/turtle"), "text/html") == 0.0


@pytest.mark.parametrize("bad", ["*/html", "text", "/", "text/", "q=1", ";q=0.5"])
def test_a_header_with_nothing_readable_counts_as_anything(bad):
    assert parse_accept(bad) == [parse_accept(None)[0]]
    assert negotiate(bad) == "text/html"
