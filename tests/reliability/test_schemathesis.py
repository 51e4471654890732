"""Schemathesis fuzzing of every operation in the OpenAPI description against a real server.

Cases are generated from ``server.site.openapi.DOCUMENT`` (what ``/openapi.json`` serves, checked by
``test_openapi.py``) in positive and negative modes. CI runs a few examples per operation with a
fixed seed; ``DLBIO_FUZZ_EXAMPLES`` raises the count for the report run (``bench/RELIABILITY.md``).
"""

from __future__ import annotations

import os

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from invariants import assert_still_up, check
from schemathesis import GenerationMode

from server.site.openapi import DOCUMENT

EXAMPLES = int(os.environ.get("DLBIO_FUZZ_EXAMPLES", "6"))
SCHEMA = schemathesis.openapi.from_dict(DOCUMENT)
OPERATIONS = {result.ok().label: result.ok() for result in SCHEMA.get_all_operations()}


def cases(label: str) -> st.SearchStrategy[schemathesis.Case]:
    """Valid and (where the operation has inputs to break) invalid requests for one operation."""
    operation = OPERATIONS[label]
    valid = operation.as_strategy(GenerationMode.POSITIVE)
    has_inputs = bool(DOCUMENT["paths"][operation.path][operation.method.lower()].get("parameters")
                      or operation.method.upper() == "POST")
    return st.one_of(valid, operation.as_strategy(GenerationMode.NEGATIVE)) if has_inputs else valid


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_fuzzed_requests_hold_the_invariants(label: str, live: str) -> None:
    session = requests.Session()

    @given(case=cases(label))
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(case: schemathesis.Case) -> None:
        response = case.call(base_url=live, session=session, timeout=30, allow_redirects=False)
        check(response)

    with session:
        fuzz()


def test_server_still_answers_after_fuzzing(live: str) -> None:
    assert_still_up(live)
