"""The saved queries' texts as they were before they were rewritten for speed: the tests hold
each rewrite to its plain text's rows and order (tests/test_query_rewrites.py,
tests/test_query_saved.py)."""

#: the texts as they were before the rewrites (plain OPTIONALs, FILTER NOT EXISTS; ``labels``
#: as first written, before it was made distinct inside and sorted outside)
PLAIN = {
    "labels": """SELECT DISTINCT ?resource ?label ?labelLang WHERE {
  ?resource a ?type .
  OPTIONAL { ?resource skos:prefLabel ?p1 FILTER(langMatches(lang(?p1), ?lang)) }
  OPTIONAL { ?resource dcterms:title ?t1 FILTER(langMatches(lang(?t1), ?lang)) }
  OPTIONAL { ?resource rdfs:label ?r1 FILTER(langMatches(lang(?r1), ?lang)) }
  OPTIONAL { ?resource skos:prefLabel ?p2 FILTER(langMatches(lang(?p2), "en")) }
  OPTIONAL { ?resource dcterms:title ?t2 FILTER(langMatches(lang(?t2), "en")) }
  OPTIONAL { ?resource rdfs:label ?r2 FILTER(langMatches(lang(?r2), "en")) }
  OPTIONAL { ?resource foaf:name ?n }
  BIND(COALESCE(?p1, ?t1, ?r1, ?p2, ?t2, ?r2, ?n) AS ?label)
  BIND(LANG(?label) AS ?labelLang)
  FILTER(BOUND(?label))
}
ORDER BY ?resource
""",
    "sources-by-category": """SELECT DISTINCT ?category ?source ?title ?country WHERE {
  ?source a kz:Source ;
          kz:category ?category ;
          kz:country ?country .
  OPTIONAL { ?source dcterms:title ?inLang FILTER(langMatches(lang(?inLang), ?lang)) }
  OPTIONAL { ?source dcterms:title ?inEnglish FILTER(langMatches(lang(?inEnglish), "en")) }
  BIND(COALESCE(?inLang, ?inEnglish) AS ?title)
}
ORDER BY ?category ?title ?source ?country
""",
    "sources-by-keyword": """SELECT DISTINCT ?source ?title ?keyword WHERE {
  ?source a kz:Source ;
          schema:keywords ?keyword .
  FILTER(CONTAINS(LCASE(STR(?keyword)), LCASE(?text)))
  OPTIONAL { ?source dcterms:title ?inLang FILTER(langMatches(lang(?inLang), ?lang)) }
  OPTIONAL { ?source dcterms:title ?inEnglish FILTER(langMatches(lang(?inEnglish), "en")) }
  BIND(COALESCE(?inLang, ?inEnglish) AS ?title)
}
ORDER BY ?title ?source ?keyword
""",
    "sources-without-description": """SELECT DISTINCT ?source ?title WHERE {
  ?source a kz:Source .
  FILTER NOT EXISTS {
    ?source dcterms:description ?description
    FILTER(langMatches(lang(?description), ?lang))
  }
  OPTIONAL { ?source dcterms:title ?title FILTER(langMatches(lang(?title), "en")) }
}
ORDER BY ?title ?source
""",
    "sources-in-language": """SELECT DISTINCT ?source ?title WHERE {
  ?source a kz:Source ;
          dcterms:language ?language .
  OPTIONAL { ?source dcterms:title ?inLang FILTER(langMatches(lang(?inLang), ?lang)) }
  OPTIONAL { ?source dcterms:title ?inEnglish FILTER(langMatches(lang(?inEnglish), "en")) }
  BIND(COALESCE(?inLang, ?inEnglish) AS ?title)
}
ORDER BY ?title ?source
""",
    "sources-by-perspective": """SELECT DISTINCT ?source ?title ?category WHERE {
  ?category kz:offersPerspective ?perspective .
  ?source a kz:Source ;
          kz:category ?category .
  OPTIONAL { ?source dcterms:title ?inLang FILTER(langMatches(lang(?inLang), ?lang)) }
  OPTIONAL { ?source dcterms:title ?inEnglish FILTER(langMatches(lang(?inEnglish), "en")) }
  BIND(COALESCE(?inLang, ?inEnglish) AS ?title)
}
ORDER BY ?title ?source ?category
""",
}
