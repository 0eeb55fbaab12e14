"""Schemathesis hooks for gateway/contract/run-schemathesis.sh.

The gateway keeps a key's first outcome: the same `Idempotency-Key` with another body is
422 IDEMPOTENCY_KEY_REUSED, as the spec says. The fuzzer draws keys from a small space and
reuses them across requests, which would turn schema-valid requests into correct 422s. A
key the spec admits is therefore replaced by a fresh one per request; a malformed key (a
negative case) is left as drawn, so the 400 for it is still checked, and so is every key of
a negative case: changing its headers would make Schemathesis revalidate the case as
positive and send a header (Authorization) the case had left out on purpose. The key's
bounds are read from openapi.yaml, not copied here.
"""

import os
import re
import uuid

import schemathesis
import yaml

with open(os.environ["CONNECTORS_OPENAPI"], encoding="utf-8") as spec_file:
    _SCHEMA = yaml.safe_load(spec_file)["components"]["schemas"]["IdempotencyKey"]
_PATTERN = re.compile(_SCHEMA["pattern"])
_MIN = _SCHEMA.get("minLength", 1)
_MAX = _SCHEMA["maxLength"]


def _admitted(key):
    return isinstance(key, str) and _MIN <= len(key.encode()) <= _MAX and _PATTERN.search(key)


def _negative(case):
    meta = case.meta
    return meta is not None and meta.generation.mode.is_negative


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    headers = case.headers
    if headers is not None and not _negative(case) and _admitted(headers.get("Idempotency-Key")):
        headers["Idempotency-Key"] = f"st-{uuid.uuid4()}"
