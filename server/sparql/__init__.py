"""The SPARQL 1.1 Protocol at ``/sparql``: request parsing, checks on the query text, the result
cache, dumps and the service description, and the WSGI application that ties them together."""
