"""DLBio-KG build pipeline: curated YAML → validated RDF → Oxigraph store and dumps."""

__all__ = ["__version__"]
__version__ = "0.1.0"
