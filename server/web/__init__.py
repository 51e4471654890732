"""HTTP building blocks shared by the SPARQL protocol and the site: content negotiation, ETags
and gzip, security and CORS headers, and the one renderer of error responses."""
