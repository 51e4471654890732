"""The VoID/DCAT description of a build: version, dates, publisher, license, counts, dumps.

Each dump is a ``dcat:Distribution`` with its download and access URL, its media type (and the
gzip compression format) as IANA IRIs, size, triple count, license and SHA-256 checksum.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode, Triple

from kg.dumps import DumpFile
from kg.edam import EDAM_VERSION
from kg.namespaces import BASE, PREFIXES

DATASET = NamedNode(BASE + "dataset/dlbio-kg")
LICENSE = NamedNode("https://creativecommons.org/publicdomain/zero/1.0/")
SPDX = "http://spdx.org/rdf/terms#"
FOAF = "http://xmlns.com/foaf/0.1/"
IANA = "https://www.iana.org/assignments/media-types/"
#: The W3C format IRI (``void:feature``) of each dump media type.
FORMAT_FEATURES = {
    "text/turtle": "http://www.w3.org/ns/formats/Turtle",
    "application/n-triples": "http://www.w3.org/ns/formats/N-Triples",
    "application/ld+json": "http://www.w3.org/ns/formats/JSON-LD",
}
RDF_TYPE = PREFIXES["rdf"] + "type"
EXECUTABLE = PREFIXES["sh"] + "SPARQLExecutable"
PUBLISHER_NAME = "DLBio-KG"
TITLE = "DLBio-KG: deep-learning methods in biology"
DESCRIPTION = (
    "A knowledge graph of published deep-learning methods in biology, their papers, code, "
    "architectures, data modalities and subfields, with EDAM annotations."
)


def _ns(prefix: str, local: str) -> NamedNode:
    return NamedNode(PREFIXES[prefix] + local)


def _typed(value: object, datatype: str) -> Literal:
    return Literal(str(value), datatype=_ns("xsd", datatype))


def _is_entity(iri: str) -> bool:
    return iri.startswith(BASE) and "#" not in iri


@dataclass
class GraphSummary:
    """What the description needs of the graph, gathered one subject at a time (see :meth:`add`)."""

    triples: int = 0
    entities: int = 0
    classes: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def add(self, subject: Any, triples: list[Any]) -> None:
        """Count one subject's triples (each subject once: the graph is sorted)."""
        self.triples += len(triples)
        self.entities += _is_entity(subject.value)
        for t in triples:
            if t.predicate.value == RDF_TYPE:
                cls = t.object.value
                self.classes[cls] += 1
                if cls == EXECUTABLE:
                    self.examples.append(subject.value)

    def watch(self, groups: Iterable[tuple[Any, list[Any]]]) -> Iterator[tuple[Any, list[Any]]]:
        """The groups passed on unchanged, each counted on the way."""
        for subject, triples in groups:
            self.add(subject, triples)
            yield subject, triples


def _header(version: str, created: str, triples: int, entities: int) -> Iterator[Triple]:
    s = DATASET
    yield Triple(s, _ns("rdf", "type"), _ns("void", "Dataset"))
    yield Triple(s, _ns("rdf", "type"), _ns("dcat", "Dataset"))
    yield Triple(s, _ns("dcterms", "title"), Literal(TITLE))
    yield Triple(s, _ns("dcterms", "description"), Literal(DESCRIPTION))
    yield Triple(s, _ns("dcterms", "license"), LICENSE)
    yield Triple(s, _ns("dcterms", "created"), _typed(created, "dateTime"))
    yield Triple(s, _ns("dcterms", "issued"), _typed(created, "dateTime"))
    yield Triple(s, _ns("dcterms", "modified"), _typed(created, "dateTime"))
    yield Triple(s, _ns("dcat", "landingPage"), NamedNode(BASE))
    yield Triple(s, _ns("dcat", "version"), Literal(version))
    yield Triple(s, _ns("owl", "versionInfo"), Literal(version))
    yield Triple(s, _ns("void", "triples"), _typed(triples, "integer"))
    yield Triple(s, _ns("void", "entities"), _typed(entities, "integer"))
    yield Triple(s, _ns("void", "uriSpace"), Literal(BASE))
    yield Triple(s, _ns("void", "sparqlEndpoint"), NamedNode(BASE + "sparql"))
    yield Triple(s, _ns("void", "vocabulary"), NamedNode(PREFIXES["dlbio"]))
    yield Triple(s, _ns("void", "vocabulary"), NamedNode(PREFIXES["edam"]))
    yield Triple(s, _ns("prov", "wasDerivedFrom"), NamedNode(BASE + "dataset/deeplearning-biology"))
    yield Triple(s, _ns("dcterms", "requires"), Literal(f"EDAM {EDAM_VERSION}"))


def _publisher() -> Iterator[Triple]:
    """The project that publishes the dataset, named as on its pages (no person is implied)."""
    node = NamedNode(f"{DATASET.value}#publisher")
    yield Triple(DATASET, _ns("dcterms", "publisher"), node)
    yield Triple(node, _ns("rdf", "type"), NamedNode(FOAF + "Organization"))
    yield Triple(node, NamedNode(FOAF + "name"), Literal(PUBLISHER_NAME))
    yield Triple(node, NamedNode(FOAF + "homepage"), NamedNode(BASE))


def media_type_iri(media_type: str) -> NamedNode:
    """The IANA IRI of a media type (``text/turtle`` → ``…/media-types/text/turtle``)."""
    return NamedNode(IANA + media_type)


def _class_partitions(counts: Counter[str]) -> Iterator[Triple]:
    for i, (cls, count) in enumerate(sorted(counts.items()), start=1):
        node = NamedNode(f"{DATASET.value}#class-{i}")
        yield Triple(DATASET, _ns("void", "classPartition"), node)
        yield Triple(node, _ns("void", "class"), NamedNode(cls))
        yield Triple(node, _ns("void", "entities"), _typed(count, "integer"))


def _distributions(files: list[DumpFile]) -> Iterator[Triple]:
    for dump in files:
        node = NamedNode(f"{DATASET.value}#dump-{dump.name}")
        url = NamedNode(f"{BASE}download/{dump.name}")
        checksum = NamedNode(f"{node.value}-sha256")
        yield Triple(DATASET, _ns("dcat", "distribution"), node)
        yield Triple(DATASET, _ns("void", "dataDump"), url)
        yield Triple(node, _ns("rdf", "type"), _ns("dcat", "Distribution"))
        yield Triple(node, _ns("dcat", "downloadURL"), url)
        yield Triple(node, _ns("dcat", "accessURL"), NamedNode(f"{BASE}download"))
        yield Triple(node, _ns("dcat", "mediaType"), media_type_iri(dump.media_type))
        if dump.encoding:
            yield Triple(node, _ns("dcat", "compressFormat"), media_type_iri("application/gzip"))
        yield Triple(node, _ns("dcat", "byteSize"), _typed(dump.size, "integer"))
        yield Triple(node, _ns("void", "triples"), _typed(dump.triples, "integer"))
        yield Triple(node, _ns("dcterms", "license"), LICENSE)
        yield Triple(node, NamedNode(SPDX + "checksum"), checksum)
        yield Triple(
            checksum, NamedNode(SPDX + "algorithm"), NamedNode(SPDX + "checksumAlgorithm_sha256")
        )
        yield Triple(checksum, NamedNode(SPDX + "checksumValue"), _typed(dump.sha256, "hexBinary"))


def _features(files: list[DumpFile]) -> Iterator[Triple]:
    for media_type in sorted({dump.media_type for dump in files}):
        if media_type in FORMAT_FEATURES:
            yield Triple(DATASET, _ns("void", "feature"), NamedNode(FORMAT_FEATURES[media_type]))


def _examples_subset(iris: list[str]) -> Iterator[Triple]:
    """The example queries published in the graph, listed as a VoID subset."""
    examples = sorted(set(iris))
    if not examples:
        return
    subset = NamedNode(f"{DATASET.value}#examples")
    yield Triple(DATASET, _ns("void", "subset"), subset)
    yield Triple(subset, _ns("rdf", "type"), _ns("void", "Dataset"))
    yield Triple(subset, _ns("dcterms", "title"), Literal("Example SPARQL queries"))
    yield Triple(subset, _ns("void", "entities"), _typed(len(examples), "integer"))
    for iri in examples:
        yield Triple(subset, _ns("void", "exampleResource"), NamedNode(iri))


def void_triples(
    version: str, created: str, graph: GraphSummary, files: list[DumpFile]
) -> list[Triple]:
    """The VoID/DCAT description of a build (kept out of the dumps it describes)."""
    out = [
        *_header(version, created, graph.triples, graph.entities),
        *_publisher(),
        *_features(files),
        *_class_partitions(graph.classes),
    ]
    return out + list(_distributions(files)) + list(_examples_subset(graph.examples))
